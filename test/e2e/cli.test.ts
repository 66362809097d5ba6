/**
 * End to end through the built `plotline` binary, as a user runs it: train on ~300 real titles,
 * evaluate, predict text and a file, and the errors a user sees. Uses ../shared/data when present
 * (CI clones with shared/ beside the repo) and skips with a message otherwise.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { skipWithoutSharedData, writeRealSubset } from './real-subset.js';

const run = promisify(execFile);
const BIN = resolve('dist/cli/main.js');
const skip = skipWithoutSharedData;
const work = mkdtempSync(join(tmpdir(), 'plotline-e2e-'));
const data = join(work, 'titles.csv');
const split = join(work, 'split.csv');
const model = join(work, 'model');

async function plotline(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

before(() => {
  if (skip) return;
  assert.ok(existsSync(BIN), `build first (npm run build): ${BIN} is missing`);
  writeRealSubset(data, split);
});

test('train -> evaluate -> predict on 300 titles', { skip }, async () => {
  const trained = await plotline('train', '--data', data, '--split', split, '--model', 'bag', '--out', model, '--epochs', '3', '--seed', '7', '--config', '{"buckets":4096,"embeddingDim":16}', '--json');
  assert.equal(trained.code, 0, trained.stderr);
  const summary = JSON.parse(trained.stdout);
  assert.equal(summary.kind, 'bag');
  assert.ok(summary.test.microF1 > 0 && summary.test.microF1 <= 1);
  assert.deepEqual(readdirSync(work).filter((f) => f.includes('.tmp-')), [], 'no temporary folder left behind');
  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  assert.equal(manifest.kind, 'bag');
  assert.equal(manifest.training.seed, 7);
  assert.match(manifest.training.dataSha256, /^[0-9a-f]{64}$/);

  const evaluated = await plotline('evaluate', '--model', model, '--data', data, '--split', split, '--json');
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const metrics = JSON.parse(evaluated.stdout).metrics;
  assert.equal(metrics.microF1, summary.test.microF1, 'evaluate of the saved model reproduces the score measured at training time');

  const predicted = await plotline('predict', '--model', model, '--json', '--top-k', '2', 'A detective hunts a killer in 1970s Seoul.');
  assert.equal(predicted.code, 0, predicted.stderr);
  const prediction = JSON.parse(predicted.stdout.trim());
  assert.ok(prediction.genres.length >= 1);
  assert.equal(prediction.top.length, 2);
  assert.equal(Object.keys(prediction.scores).length, manifest.genres.length);
});

test('same seed, same data: the same model and scores twice', { skip }, async () => {
  const args = ['train', '--data', data, '--split', split, '--model', 'cnn', '--epochs', '2', '--seed', '3', '--config', '{"filters":8,"embeddingDim":8}', '--json'];
  const first = await plotline(...args, '--out', join(work, 'cnn-a'));
  const second = await plotline(...args, '--out', join(work, 'cnn-b'));
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout).test, JSON.parse(second.stdout).test);
  // The same weights byte for byte: the manifests record the same sha256 for weights.bin (and load checks it).
  const weightsSha = (dir: string): string => {
    const files = JSON.parse(readFileSync(join(work, dir, 'manifest.json'), 'utf8')).files as Record<string, string>;
    return Object.entries(files).find(([path]) => path.endsWith('/weights.bin'))![1];
  };
  assert.match(weightsSha('cnn-a'), /^[0-9a-f]{64}$/);
  assert.equal(weightsSha('cnn-a'), weightsSha('cnn-b'));
});

test('predict --input streams a file to JSON Lines in input order, reporting a malformed row', { skip }, async () => {
  const input = join(work, 'to-score.jsonl');
  writeFileSync(input, ['{"id":"a","description":"Two friends start a band."}', '{"id":"b"}', 'not json', '{"text":"A ghost haunts a family."}'].join('\n') + '\n');
  const output = join(work, 'scored.jsonl');
  const failed = await plotline('predict', '--model', model, '--input', input, '--output', output);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /line 2/);
  assert.equal(existsSync(output), false, 'a failed run writes no partial output');
  const skipped = await plotline('predict', '--model', model, '--input', input, '--output', output, '--on-error', 'skip');
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stderr, /skipped 2 malformed row/);
  const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), ['a', '4']);
  // --scores none / decided: the same rows with the scores left out / cut to the decided genres.
  for (const choice of ['none', 'decided']) {
    const restricted = join(work, `scored-${choice}.jsonl`);
    const result = await plotline('predict', '--model', model, '--input', input, '--output', restricted, '--on-error', 'skip', '--scores', choice, '--workers', '2');
    assert.equal(result.code, 0, result.stderr);
    const rows = readFileSync(restricted, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const expected = lines.map(({ scores, ...rest }) => (choice === 'none' ? rest : { ...rest, scores: Object.fromEntries(Object.entries(scores as Record<string, number>).filter(([g]) => (rest.genres as string[]).includes(g))) }));
    assert.deepEqual(rows, expected, choice);
  }
});

test('errors name the file and what was expected', { skip }, async () => {
  const missing = await plotline('evaluate', '--model', join(work, 'nope'), '--data', data);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope.*manifest\.json/);
  const badData = join(work, 'bad.csv');
  writeFileSync(badData, 'show_id,description\n1,hello\n');
  const noLabels = await plotline('train', '--data', badData, '--out', join(work, 'x'));
  assert.equal(noLabels.code, 1);
  assert.match(noLabels.stderr, /bad\.csv.*listed_in/);
  const badKind = await plotline('train', '--data', data, '--out', join(work, 'x'), '--model', 'transformer');
  assert.notEqual(badKind.code, 0);
  assert.match(badKind.stderr, /Allowed choices are cnn, bilstm, bag/);
});
