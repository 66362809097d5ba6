/**
 * The README's first command, `plotline train --data netflix --allow-download`, through the built
 * binary with every network call recorded and refused (this machine has no internet; the download
 * itself is tested against a local server in test/data/datasets.test.ts): a fresh cache asks for
 * --allow-download, --allow-download tries exactly the pinned URLs in order and leaves nothing behind,
 * and a cached copy (the shared file, as a download would have left it) trains and evaluates on the
 * standard split that ships with the name, without touching the network (the model in models/bag by default).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILT_CLI, SHARED_DATA, skipWithoutSharedData as skip } from './real-subset.js';
import { NETFLIX, datasetCachePath } from '../../src/data/datasets.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'plotline-e2e-named-'));
const networkLog = join(work, 'network.log');
const noNetwork = join(work, 'no-network.mjs');

async function plotline(cacheDir: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { ...process.env, CI: 'true', PLOTLINE_CACHE_DIR: cacheDir, PLOTLINE_TEST_NETWORK_LOG: networkLog };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', pathToFileURL(noNetwork).href, BUILT_CLI, ...args], { env, cwd: work, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

function networkCalls(): string[] {
  const calls = existsSync(networkLog) ? readFileSync(networkLog, 'utf8').trim().split('\n').filter((l) => l !== '') : [];
  rmSync(networkLog, { force: true });
  return calls;
}

before(() => {
  if (skip) return;
  assert.ok(existsSync(BUILT_CLI), `build first (npm run build): ${BUILT_CLI} is missing`);
  // Preloaded into every command: records and refuses any http(s) fetch.
  writeFileSync(
    noNetwork,
    `import { appendFileSync } from 'node:fs';
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = String(input?.url ?? input);
  if (/^https?:/i.test(url)) {
    appendFileSync(process.env.PLOTLINE_TEST_NETWORK_LOG, url + '\\n');
    throw new TypeError('network access is disabled in this test');
  }
  return realFetch(input, init);
};
`,
  );
});

after(() => rmSync(work, { recursive: true, force: true }));

test('a fresh cache: without --allow-download a clear error and no request; with it, the pinned URLs in order and nothing left', { skip }, async () => {
  const cacheDir = join(work, 'fresh-cache');
  const model = join(work, 'never');
  const refused = await plotline(cacheDir, 'train', '--data', 'netflix', '--out', model);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /dataset "netflix" is not in the cache .*Pass --allow-download/);
  assert.deepEqual(networkCalls(), []);

  const offline = await plotline(cacheDir, 'train', '--data', 'netflix', '--allow-download', '--out', model);
  assert.equal(offline.code, 1);
  assert.match(offline.stderr, /downloading dataset "netflix" \(2\.4 MB\)/);
  assert.match(offline.stderr, /download failed from every URL \(3\)/);
  assert.deepEqual(networkCalls(), [...NETFLIX.urls]);
  assert.equal(existsSync(join(cacheDir, 'datasets')), false, 'no file, temporary or empty folder is left');
  assert.equal(existsSync(model), false);
});

test('a cached copy: train and evaluate on the standard split that comes with the name, offline', { skip }, async () => {
  const cacheDir = join(work, 'cache');
  const cached = datasetCachePath(NETFLIX, cacheDir);
  mkdirSync(dirname(cached), { recursive: true });
  copyFileSync(join(SHARED_DATA, 'netflix_titles.csv'), cached);
  // The README's first command (in a small configuration), with no --out: the model goes to models/bag.
  const model = join(work, 'models', 'bag');
  const trained = await plotline(cacheDir, 'train', '--data', 'netflix', '--allow-download', '--epochs', '1', '--config', '{"buckets":4096,"embeddingDim":16}', '--json');
  assert.equal(trained.code, 0, trained.stderr);
  assert.equal(existsSync(join(model, 'manifest.json')), true, 'saved to models/<kind> by default');
  const summary = JSON.parse(trained.stdout);
  // The standard split: 4,974 train titles (743 of them held out for validation) and 1,260 test titles.
  assert.equal(summary.test.count, 1260);
  assert.equal(summary.validation.count, 743);
  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  assert.equal(manifest.training.dataFile, cached);
  assert.equal(manifest.training.dataSha256, NETFLIX.sha256);
  assert.equal(readFileSync(manifest.training.splitFile, 'utf8'), readFileSync(join(SHARED_DATA, 'split.csv'), 'utf8'));

  const evaluated = await plotline(cacheDir, 'evaluate', '--model', model, '--data', 'netflix', '--json');
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  assert.equal(report.fold, 'test');
  assert.equal(report.metrics.count, 1260);
  assert.equal(report.metrics.microF1, summary.test.microF1, 'the same test fold as at training time');
  assert.deepEqual(networkCalls(), []);
  assert.deepEqual(readdirSync(dirname(cached)), [NETFLIX.file]);
});
