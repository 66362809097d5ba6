import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../../src/engine/backend.js';
import { EnsembleModel } from '../../../src/models/ensemble/ensemble-model.js';
import { saveEnsemble } from '../../../src/models/ensemble/ensemble-storage.js';
import { loadModel, saveModel } from '../../../src/models/storage.js';
import { FORMAT_VERSION } from '../../../src/models/manifest.js';
import { GenreModel, type DecisionThresholds } from '../../../src/models/genre-model.js';
import { PlotlineError } from '../../../src/util/errors.js';
import { GENRES, TEXTS, tinyClassifier, tinyManifestFields } from '../fixtures.js';

const THRESHOLDS: DecisionThresholds = { global: 0.4, perGenre: null, mode: 'global' };

/** A model whose every score is `value`, counting disposals. */
class Constant extends GenreModel {
  disposed = 0;
  constructor(private readonly value: number, genres: readonly string[] = GENRES) {
    super(genres, THRESHOLDS);
  }
  async score(texts: readonly string[]): Promise<Float32Array> {
    return new Float32Array(texts.length * this.genres.length).fill(this.value);
  }
  async dispose(): Promise<void> {
    this.disposed++;
  }
}

function withoutKindAndConfig<T extends { kind: unknown; config: unknown }>({ kind: _kind, config: _config, ...rest }: T): Omit<T, 'kind' | 'config'> {
  return rest;
}

let dir: string;
before(async () => {
  await useBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'plotline-ensemble-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('an ensemble scores the weighted mean of its members and disposes every one', async () => {
  const a = new Constant(0.2);
  const b = new Constant(0.8);
  const ensemble = new EnsembleModel([{ name: 'a', model: a, weight: 0.25 }, { name: 'b', model: b, weight: 0.75 }], THRESHOLDS);
  const scores = await ensemble.score(['x', 'y']);
  assert.equal(scores.length, 2 * GENRES.length);
  for (const v of scores) assert.ok(Math.abs(v - (0.25 * 0.2 + 0.75 * 0.8)) < 1e-6);
  assert.deepEqual(await ensemble.predict(['x']), ensemble.decide(scores.subarray(0, GENRES.length)));
  await ensemble.dispose();
  assert.deepEqual([a.disposed, b.disposed], [1, 1]);
});

test('an ensemble reports the field values its members read as missing, each field and problem once', async () => {
  class Checking extends Constant {
    override fieldValueProblems(fields: Readonly<Record<string, string>> | undefined) {
      return fields?.release_year === 'abc' ? [{ field: 'release_year', value: 'abc', reason: 'not a number', expected: 'a number' }] : [];
    }
  }
  const ensemble = new EnsembleModel([{ name: 'a', model: new Checking(0.2), weight: 0.5 }, { name: 'b', model: new Checking(0.8), weight: 0.5 }, { name: 'c', model: new Constant(0.5), weight: 0 }], THRESHOLDS);
  assert.deepEqual(ensemble.fieldValueProblems({ release_year: 'abc' }), [{ field: 'release_year', value: 'abc', reason: 'not a number', expected: 'a number' }]);
  assert.deepEqual(ensemble.fieldValueProblems({ release_year: '2001' }), []);
});

test('members must share one genre list, in order, and there must be two of them', () => {
  assert.throws(() => new EnsembleModel([{ name: 'a', model: new Constant(0.1), weight: 1 }], THRESHOLDS), /at least 2 members/);
  const reordered = new Constant(0.1, [...GENRES].reverse());
  assert.throws(() => new EnsembleModel([{ name: 'a', model: new Constant(0.1), weight: 0.5 }, { name: 'b', model: reordered, weight: 0.5 }], THRESHOLDS), /"b" has other genres/);
});

test('a saved ensemble folder holds its members, reloads as one model and scores as before', async () => {
  const members = ['bag', 'cnn'].map((kind, i) => ({ kind, classifier: tinyClassifier(kind, 3 + i), dir: join(dir, kind) }));
  for (const m of members) await saveModel(m.classifier, tinyManifestFields(m.kind, 3), m.dir);
  const ensembleDir = join(dir, 'bag+cnn');
  await saveEnsemble(
    [{ name: 'bag', dir: members[0].dir, weight: 0.6 }, { name: 'cnn', dir: members[1].dir, weight: 0.4 }],
    { ...withoutKindAndConfig(tinyManifestFields('bag', 3)), format: 'plotline-model', formatVersion: FORMAT_VERSION, genres: [...GENRES], thresholds: THRESHOLDS },
    ensembleDir,
  );
  const { classifier, manifest } = await loadModel(ensembleDir);
  try {
    assert.equal(manifest.kind, 'ensemble');
    assert.ok(classifier instanceof EnsembleModel);
    const [bag, cnn] = await Promise.all(members.map((m) => m.classifier.score(TEXTS)));
    const got = await classifier.score(TEXTS);
    got.forEach((v, i) => assert.ok(Math.abs(v - (0.6 * bag[i] + 0.4 * cnn[i])) < 1e-6, `cell ${i}`));
  } finally {
    await classifier.dispose();
    await Promise.all(members.map((m) => m.classifier.dispose()));
  }
});

test('a broken ensemble folder fails naming the manifest field or the member', async () => {
  const ensembleDir = join(dir, 'bag+cnn');
  const manifestFile = join(ensembleDir, 'manifest.json');
  const original = await readFile(manifestFile, 'utf8');
  const edit = async (change: (m: Record<string, any>) => void): Promise<void> => {
    const m = JSON.parse(original);
    change(m);
    await writeFile(manifestFile, JSON.stringify(m));
  };
  try {
    await edit((m) => (m.config.members[0].name = '../escape'));
    await assert.rejects(loadModel(ensembleDir), (e: unknown) => e instanceof PlotlineError && e.field === 'config.members.0.name' && e.file === manifestFile);
    await edit((m) => (m.config.members[1].name = 'absent'));
    await assert.rejects(loadModel(ensembleDir), (e: unknown) => e instanceof PlotlineError && String(e.file).includes(join('members', 'absent')));
    await edit((m) => (m.encoder = { type: 'ngrams', buckets: 8, wordNgrams: 1, charNgrams: null, maxLength: 8 }));
    await assert.rejects(loadModel(ensembleDir), (e: unknown) => e instanceof PlotlineError && e.field === 'encoder.type');
  } finally {
    await writeFile(manifestFile, original);
  }
});

test('a saved ensemble records the sha256 of every member file and refuses a changed one, naming it', async () => {
  const ensembleDir = join(dir, 'bag+cnn');
  const manifest = JSON.parse(await readFile(join(ensembleDir, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
  const paths = Object.keys(manifest.files);
  for (const member of ['bag', 'cnn']) {
    for (const name of ['manifest.json', ...(member === 'bag' ? ['linear.json', 'linear.bin'] : ['model.json', 'weights.bin'])]) {
      assert.ok(paths.some((p) => p.includes(`/members/${member}/`) && p.endsWith(`/${name}`)), `${member}'s ${name} is listed`);
    }
  }
  const weights = paths.find((p) => p.includes('/members/cnn/') && p.endsWith('/weights.bin')) as string;
  const file = join(ensembleDir, weights);
  const original = await readFile(file);
  const flipped = Buffer.from(original);
  flipped[0] ^= 0x80;
  await writeFile(file, flipped);
  try {
    await assert.rejects(loadModel(ensembleDir), (e: unknown) => e instanceof PlotlineError && e.file === file && /sha256 .* differs/.test(e.message));
  } finally {
    await writeFile(file, original);
  }
  await (await loadModel(ensembleDir)).classifier.dispose();
});

test('readFieldChecks: a saved ensemble checks field values with its members\' vectorizers, without loading it; as the loaded ensemble does', async () => {
  const { readFieldChecks } = await import('../../../src/models/storage.js');
  const { savedNumbersModel } = await import('../../serving/fixtures.js');
  const numbers = await savedNumbersModel();
  try {
    const plain = join(dir, 'plain-bag');
    const source = tinyClassifier('bag', 3);
    await saveModel(source, tinyManifestFields('bag', 3), plain);
    source.dispose();
    const ensembleDir = join(dir, 'numbers+bag');
    await saveEnsemble(
      [{ name: 'numbers', dir: numbers.modelDir, weight: 0.5 }, { name: 'plain', dir: plain, weight: 0.5 }],
      { ...withoutKindAndConfig(tinyManifestFields('bag', 3)), format: 'plotline-model', formatVersion: FORMAT_VERSION, genres: [...GENRES], thresholds: THRESHOLDS },
      ensembleDir,
    );
    const checks = await readFieldChecks(ensembleDir);
    assert.ok(checks !== null, 'a member reads fields');
    const check = checks.values;
    const bad = { release_year: 'abc', duration: '-90 min' };
    assert.deepEqual(check(bad).map((p) => [p.field, p.reason]), [['release_year', 'not a number'], ['duration', 'out of range']]);
    assert.deepEqual(check({ release_year: '2001' }), []);
    const { classifier } = await loadModel(ensembleDir);
    try {
      assert.deepEqual(classifier.fieldValueProblems(bad), check(bad));
    } finally {
      await classifier.dispose();
    }
    assert.equal(await readFieldChecks(plain), null, 'a model that reads no fields has no check');
  } finally {
    await numbers.remove();
  }
});
