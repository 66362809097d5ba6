/**
 * The Universal Sentence Encoder lite from the npm package: loads without the network, gives 512-d
 * unit vectors in input order, the same on one thread as on worker threads, copes with texts that
 * have no tokens, puts similar sentences closer than unrelated ones, and names and fingerprints its
 * files; `locateUseFiles` says which file is missing or broken in a copied folder.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { openUseEncoder } from '../../../src/encoders/use/use-encoder.js';
import { USE_DIMENSION, USE_PACKAGE, locateUseFiles, useEncoderId } from '../../../src/encoders/use/use-files.js';
import { EncoderReferenceSchema, type SentenceEncoder } from '../../../src/encoders/sentence-encoder.js';
import { fixtureFolder, rejectsWith } from '../../helpers/files.js';

const packageJson = createRequire(import.meta.url).resolve(`${USE_PACKAGE}/package.json`);
const packageDir = path.join(path.dirname(packageJson), 'dist');
const packageVersion = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string }).version;
const modelJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'model.json'), 'utf8')) as {
  weightsManifest: { paths: string[]; weights: { shape: number[] }[] }[];
};
const shards = modelJson.weightsManifest.flatMap((g) => g.paths);

const root = fixtureFolder('use-encoder');
/** A copy of the package's dist folder, edited and restored by the locateUseFiles tests. */
const copy = path.join(root.dir, 'use-copy');

let encoder: SentenceEncoder;
let fetchCalls = 0;
const realFetch = globalThis.fetch;

before(async () => {
  // Offline: any attempt to fetch during loading or embedding is counted and refused.
  globalThis.fetch = (async () => {
    fetchCalls++;
    throw new Error('the test forbids network access');
  }) as typeof fetch;
  encoder = await openUseEncoder({ threads: 1 });
  fs.cpSync(packageDir, copy, { recursive: true });
});

after(async () => {
  await encoder.dispose();
  globalThis.fetch = realFetch;
});

const TEXTS = [
  'A hard-boiled detective investigates a string of murders in a rain-soaked city.',
  'Two friends road-trip across the country and get into hilarious trouble.',
  'Love.',
  'Café Déjà vu: a documentary about Parisian coffee culture, 1950–2020.',
  'A chef teaches home cooks how to bake sourdough bread and simmer tomato sauce.',
];

const row = (vectors: Float32Array, i: number): Float32Array => vectors.subarray(i * USE_DIMENSION, (i + 1) * USE_DIMENSION);
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (v: Float32Array): number => Math.sqrt(dot(v, v));
const cosine = (a: Float32Array, b: Float32Array): number => dot(a, b) / (norm(a) * norm(b));
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${what}: differs by ${worst}`);
}

test('loads from the npm package without the network: 512-d, finite, about unit-norm vectors', async () => {
  assert.equal(encoder.dimension, USE_DIMENSION);
  assert.equal(USE_DIMENSION, 512);
  const vectors = await encoder.embed(TEXTS);
  assert.ok(vectors instanceof Float32Array);
  assert.equal(vectors.length, TEXTS.length * 512);
  assert.ok(vectors.every(Number.isFinite), 'every value is finite');
  for (let i = 0; i < TEXTS.length; i++) {
    const n = norm(row(vectors, i));
    assert.ok(Math.abs(n - 1) < 0.05, `text ${i}: norm ${n}`);
  }
  // Distinct texts give distinct vectors (not one constant row).
  assert.ok(cosine(row(vectors, 0), row(vectors, 2)) < 0.99);
  assert.equal(fetchCalls, 0, 'nothing was fetched');
});

test('rows come back in input order, whatever the batch: a permuted call gives the permuted rows', async () => {
  const forward = await encoder.embed(TEXTS);
  const order = [3, 0, 4, 2, 1];
  const permuted = await encoder.embed(order.map((i) => TEXTS[i]));
  order.forEach((source, i) => assertClose(row(permuted, i), row(forward, source), 1e-6, `row ${i} (text ${source})`));
  // A text alone gives the same vector as in a batch.
  assertClose(await encoder.embed([TEXTS[2]]), row(forward, 2), 1e-6, 'text 2 alone');
  // Progress reaches the number of texts.
  const progress: number[] = [];
  await encoder.embed(TEXTS.slice(0, 2), (done) => progress.push(done));
  assert.equal(progress[progress.length - 1], 2);
  assert.equal((await encoder.embed([])).length, 0);
});

test('threads: 2 (worker threads) gives the same vectors as one thread, in input order, across chunks', async () => {
  // More texts than one worker task holds (128), so the rows come from two workers.
  const many = Array.from({ length: 130 }, (_, i) => `film number ${i} about ${i % 2 === 0 ? 'a heist' : 'a wedding'}`);
  const threaded = await openUseEncoder({ threads: 2 });
  try {
    assert.equal(threaded.id, encoder.id);
    assert.equal(threaded.dimension, 512);
    const [a, b] = await Promise.all([threaded.embed(many), threaded.embed(TEXTS)]);
    assert.deepEqual(Array.from(a), Array.from(await encoder.embed(many)));
    assert.deepEqual(Array.from(b), Array.from(await encoder.embed(TEXTS)));
  } finally {
    await threaded.dispose();
  }
});

test('empty and whitespace-only texts do not fail, give finite vectors, and do not depend on their batch', async () => {
  const empties = ['', '   ', '\t\n'];
  // A batch of nothing but token-less texts, and one ending with one.
  const alone = await encoder.embed(['']);
  const all = await encoder.embed(empties);
  assert.equal(all.length, 3 * 512);
  assert.ok(alone.every(Number.isFinite) && all.every(Number.isFinite));
  assertClose(row(all, 0), alone, 1e-6, '"" first in a batch of empties vs alone');
  const middle = await encoder.embed([TEXTS[0], '', TEXTS[1]]);
  const last = await encoder.embed([TEXTS[0], '']);
  assertClose(row(middle, 1), alone, 1e-6, '"" between two texts vs alone');
  assertClose(row(last, 1), alone, 1e-6, '"" at the end of a batch vs alone');
  // The texts around it are unaffected.
  const reference = await encoder.embed([TEXTS[0], TEXTS[1]]);
  assertClose(row(middle, 0), row(reference, 0), 1e-6, 'text before ""');
  assertClose(row(middle, 2), row(reference, 1), 1e-6, 'text after ""');
  assertClose(row(last, 0), row(reference, 0), 1e-6, 'text before a trailing ""');
  // Whitespace-only text has tokens of its own: a real vector.
  assert.ok(Math.abs(norm(row(all, 1)) - 1) < 0.05);
});

test('semantically close sentences are closer than unrelated ones', async () => {
  const vectors = await encoder.embed([
    'A detective investigates a murder in a small town.',
    'A police inspector hunts a serial killer.',
    'A chef shares recipes for pasta and homemade bread.',
  ]);
  const [detective, inspector, chef] = [0, 1, 2].map((i) => row(vectors, i));
  const close = cosine(detective, inspector);
  assert.ok(close > cosine(detective, chef) + 0.1, `detective/inspector ${close} vs detective/chef ${cosine(detective, chef)}`);
  assert.ok(close > cosine(inspector, chef) + 0.1, `detective/inspector ${close} vs inspector/chef ${cosine(inspector, chef)}`);
});

test('id is stable across opens; reference() lists model.json, every shard and vocab.json with their sha256', async () => {
  const again = await openUseEncoder({ threads: 1 });
  try {
    assert.equal(again.id, encoder.id);
    assert.deepEqual(again.reference(), encoder.reference());
  } finally {
    await again.dispose();
  }
  assert.match(encoder.id, /^use-lite:[0-9a-f]{12}$/);
  const reference = EncoderReferenceSchema.parse(encoder.reference());
  assert.equal(reference.type, 'use');
  assert.equal(reference.id, encoder.id);
  assert.equal(reference.dimension, 512);
  assert.equal(reference.source, `${USE_PACKAGE}@${packageVersion}`);
  assert.deepEqual(reference.files.map((f) => f.path), ['model.json', ...shards, 'vocab.json']);
  assert.ok(shards.length >= 1);
  for (const file of reference.files) assert.equal(file.sha256, sha256(path.join(packageDir, file.path)), file.path);
  assert.equal(useEncoderId(reference.files), encoder.id);
});

test('parameters is the sum of the weight manifest shapes', () => {
  const expected = modelJson.weightsManifest
    .flatMap((g) => g.weights)
    .reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
  assert.ok(expected > 1_000_000);
  assert.equal(encoder.parameters, expected);
});

test('locateUseFiles on a copied folder: same files and id, source names the folder; a changed file changes the id', async () => {
  const located = await locateUseFiles(copy);
  assert.equal(located.dir, copy);
  assert.equal(located.source, `file:${copy}`);
  assert.deepEqual(located.files, encoder.reference().files);
  assert.equal(useEncoderId(located.files), encoder.id);
  const vocab = path.join(copy, 'vocab.json');
  const original = fs.readFileSync(vocab);
  try {
    fs.writeFileSync(vocab, Buffer.concat([original, Buffer.from('\n')]));
    const changed = await locateUseFiles(copy);
    assert.notEqual(useEncoderId(changed.files), encoder.id);
    assert.deepEqual(
      changed.files.filter((f, i) => f.sha256 !== located.files[i].sha256).map((f) => f.path),
      ['vocab.json'],
    );
  } finally {
    fs.writeFileSync(vocab, original);
  }
});

/** Applies `breakIt` to the copy, expects locateUseFiles to fail naming `file`, then restores the copy. */
async function assertLocateFails(breakIt: () => void, restore: () => void, file: string, pattern: RegExp, field?: string): Promise<void> {
  breakIt();
  try {
    const error = await rejectsWith(locateUseFiles(copy));
    assert.equal(error.file, path.join(copy, file));
    assert.ok(error.message.includes(path.join(copy, file)), `"${error.message}" names ${file}`);
    assert.match(error.message, pattern);
    if (field !== undefined) assert.equal(error.field, field);
  } finally {
    restore();
  }
}

test('locateUseFiles names the missing shard, the missing vocab.json, or the broken model.json', async () => {
  const shard = shards[Math.min(2, shards.length - 1)];
  const hidden = path.join(root.dir, 'hidden');
  const hide = (name: string) => () => fs.renameSync(path.join(copy, name), hidden);
  const unhide = (name: string) => () => fs.renameSync(hidden, path.join(copy, name));
  await assertLocateFails(hide(shard), unhide(shard), shard, /ENOENT.*incomplete/);
  await assertLocateFails(hide('vocab.json'), unhide('vocab.json'), 'vocab.json', /ENOENT/);
  await assertLocateFails(hide('model.json'), unhide('model.json'), 'model.json', /ENOENT.*Universal Sentence Encoder folder/);

  const modelFile = path.join(copy, 'model.json');
  const original = fs.readFileSync(modelFile);
  const restore = () => fs.writeFileSync(modelFile, original);
  await assertLocateFails(() => fs.writeFileSync(modelFile, original.subarray(0, 1000)), restore, 'model.json', /not valid JSON/);
  await assertLocateFails(
    () => fs.writeFileSync(modelFile, JSON.stringify({ modelTopology: {}, weights: [] })),
    restore,
    'model.json',
    /weightsManifest/,
    'weightsManifest',
  );
  // Restored, the copy is whole again.
  assert.equal(useEncoderId((await locateUseFiles(copy)).files), encoder.id);
});

test('openUseEncoder on a folder that does not exist names its model.json', async () => {
  const missing = path.join(root.dir, 'no-such-folder');
  const error = await rejectsWith(openUseEncoder({ dir: missing, threads: 1 }));
  assert.equal(error.file, path.join(missing, 'model.json'));
});
