/**
 * End to end through the built `plotline` binary with the encoder + head kinds: `use` (the Universal
 * Sentence Encoder shipped in npm) and `onnx` (a tiny BERT built by the test, next to the real
 * all-MiniLM-L6-v2 tokenizer) trained on ~300 real titles, then predict and evaluate with the saved
 * model; and the errors for a missing encoder or a hub id without --allow-download. Every command runs
 * with fetch and TCP connections intercepted: a network call is recorded and fails. Uses ../shared when
 * present and skips with a message otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { realSubsetSuite, skipWithoutSharedData } from './real-subset.js';
import { noSharedMiniLm, writeTinyBertFolder } from '../helpers/tiny-bert.js';

const run = promisify(execFile);
const BIN = resolve('dist/cli/main.js');
const skip = skipWithoutSharedData;
const skipOnnx = skip || noSharedMiniLm;
const work = mkdtempSync(join(tmpdir(), 'plotline-e2e-encoders-'));
const data = join(work, 'titles.csv');
const split = join(work, 'split.csv');
const cache = join(work, 'cache');
/** Plotline's own cache folder (hub downloads would go under it): empty, so no model is found there. */
const plotlineCache = join(work, 'plotline-cache');
const networkLog = join(work, 'network.log');
const noNetwork = join(work, 'no-network.mjs');
/** A command that printed its result but never exits is killed after this long. */
const TIMEOUT_MS = 30_000;

const TEXT = 'A detective hunts a killer in 1970s Seoul.';

interface Result {
  stdout: string;
  stderr: string;
  code: number;
  /** Set when the command was killed for running past TIMEOUT_MS. */
  signal: string | null;
}

async function plotline(...args: string[]): Promise<Result> {
  const env = { ...process.env, CI: 'true', PLOTLINE_CACHE_DIR: plotlineCache, PLOTLINE_TEST_NETWORK_LOG: networkLog };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', pathToFileURL(noNetwork).href, BIN, ...args], { env, maxBuffer: 64 * 1024 * 1024, timeout: TIMEOUT_MS });
    return { stdout, stderr, code: 0, signal: null };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code ?? -1, signal: e.signal };
  }
}

/** Asserts a command exited 0 on its own: a hang after printing (e.g. encoder worker threads left running) fails here. */
function assertExited(result: Result, what: string): void {
  assert.equal(result.signal, null, `${what} did not exit within ${TIMEOUT_MS / 1000} s and was killed (stdout: ${result.stdout.slice(0, 200)})`);
  assert.equal(result.code, 0, `${what} failed: ${result.stderr}`);
}

function networkCalls(): string[] {
  return existsSync(networkLog) ? readFileSync(networkLog, 'utf8').trim().split('\n') : [];
}

realSubsetSuite({ work, dataFile: data, splitFile: split }, () => {
  // Preloaded into every command: records and refuses any http(s) fetch or TCP connection.
  writeFileSync(
    noNetwork,
    `import net from 'node:net';
import { appendFileSync } from 'node:fs';
const record = (what) => appendFileSync(process.env.PLOTLINE_TEST_NETWORK_LOG, what + '\\n');
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = String(input?.url ?? input);
  if (/^(https?|wss?):/i.test(url)) {
    record('fetch ' + url);
    throw new TypeError('network access is disabled in this test: ' + url);
  }
  return realFetch(input, init);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null && !Array.isArray(args[0]) ? args[0] : { port: args[0], host: args[1] };
  if (options.path === undefined && options.port !== undefined) {
    record('connect ' + (options.host ?? 'localhost') + ':' + options.port);
    throw new Error('network access is disabled in this test');
  }
  return connect.apply(this, args);
};
`,
  );
});

test('train --model use, then predict and evaluate with the saved model', { skip }, async () => {
  const model = join(work, 'use-model');
  const trained = await plotline('train', '--model', 'use', '--data', data, '--split', split, '--out', model, '--epochs', '5', '--cache-dir', cache, '--json');
  assertExited(trained, 'train --model use');
  const summary = JSON.parse(trained.stdout);
  assert.equal(summary.kind, 'use');
  assert.ok(summary.bestEpoch >= 1 && summary.bestEpoch <= 5);
  assert.ok(summary.test.microF1 >= 0 && summary.test.microF1 <= 1);
  assert.ok(existsSync(join(cache)), 'embeddings were cached under --cache-dir');
  assert.deepEqual(readdirSync(work).filter((f) => f.includes('.tmp-')), [], 'no temporary folder left behind');

  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  assert.equal(manifest.kind, 'use');
  assert.equal(manifest.encoder.type, 'use', 'the manifest references the pretrained encoder instead of holding a vocabulary');
  assert.match(manifest.encoder.id, /^use-lite:[0-9a-f]{12}$/);
  assert.match(manifest.encoder.source, /^@energetic-ai\/model-embeddings-en@\d/);
  assert.equal(manifest.encoder.dimension, 512);
  assert.ok(manifest.encoder.files.length >= 1);
  for (const file of manifest.encoder.files) assert.match(file.sha256, /^[0-9a-f]{64}$/);

  const predicted = await plotline('predict', '--model', model, TEXT, '--json', '--top-k', '3');
  assertExited(predicted, 'predict with a use model');
  const prediction = JSON.parse(predicted.stdout.trim());
  for (const genre of prediction.genres) assert.ok(manifest.genres.includes(genre), `predicted genre ${genre} is one of the model's`);
  assert.deepEqual(Object.keys(prediction.scores).sort(), [...manifest.genres].sort());
  assert.equal(prediction.top.length, 3);
  for (const { genre } of prediction.top) assert.ok(manifest.genres.includes(genre));

  const evaluated = await plotline('evaluate', '--model', model, '--data', data, '--split', split, '--json');
  assertExited(evaluated, 'evaluate --json with a use model');
  const evaluation = JSON.parse(evaluated.stdout);
  assert.equal(evaluation.kind, 'use');
  assert.equal(evaluation.metrics.count, summary.test.count);
  assert.ok(Math.abs(evaluation.metrics.microF1 - summary.test.microF1) < 1e-6, 'evaluate of the saved model reproduces the test score measured at training time');
  assert.deepEqual(networkCalls(), []);
});

test('train --model onnx without --encoder fails before training, saying what to pass', { skip }, async () => {
  const out = join(work, 'onnx-no-encoder');
  const result = await plotline('train', '--model', 'onnx', '--data', data, '--split', split, '--out', out, '--cache-dir', cache);
  assert.equal(result.signal, null);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /^error: model kind onnx needs --encoder: a folder in the Hugging Face layout/m);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false);
});

test('train --model onnx --encoder <tiny BERT folder>, then predict', { skip: skipOnnx }, async () => {
  const encoder = writeTinyBertFolder(join(work, 'tiny-bert'));
  const model = join(work, 'onnx-model');
  const trained = await plotline('train', '--model', 'onnx', '--encoder', encoder, '--data', data, '--split', split, '--out', model, '--epochs', '3', '--cache-dir', cache, '--json');
  assertExited(trained, 'train --model onnx');
  assert.equal(JSON.parse(trained.stdout).kind, 'onnx');
  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  assert.equal(manifest.encoder.type, 'onnx');
  assert.equal(manifest.encoder.source, encoder);
  assert.equal(manifest.encoder.dimension, 32);

  const predicted = await plotline('predict', '--model', model, TEXT, '--json');
  assertExited(predicted, 'predict with an onnx model');
  const prediction = JSON.parse(predicted.stdout.trim());
  for (const genre of prediction.genres) assert.ok(manifest.genres.includes(genre), `predicted genre ${genre} is one of the model's`);
  assert.deepEqual(Object.keys(prediction.scores).sort(), [...manifest.genres].sort());
  assert.deepEqual(networkCalls(), []);
});

test('a hub id without --allow-download fails, says how to allow it, and touches no network', { skip }, async () => {
  const out = join(work, 'hub-model');
  const result = await plotline('train', '--model', 'onnx', '--encoder', 'some-org/some-model', '--data', data, '--split', split, '--out', out, '--cache-dir', cache);
  assert.equal(result.signal, null);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /"some-org\/some-model" is not a folder on disk and is not in the model cache/);
  assert.match(result.stderr, /--allow-download/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(networkCalls(), [], 'no fetch or connection was attempted');
  assert.equal(existsSync(join(plotlineCache, 'hub', 'some-org')), false, 'nothing was written to the hub cache');
});
