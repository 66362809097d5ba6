import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import { MODEL_KIND_NAMES } from '../../src/models/kinds.js';
import { FORMAT_VERSION, loadModel, readManifest, saveModel } from '../../src/models/storage.js';
import { PlotlineError } from '../../src/util/errors.js';
import { GenreClassifier } from '../../src/models/classifier.js';
import { LinearBagModel } from '../../src/models/inference/linear-bag-model.js';
import { GENRES, TEXTS, tinyClassifier, tinyManifestFields, type ManifestFields } from './fixtures.js';

let root = '';

before(async () => {
  await useBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'plotline-storage-test-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const manifestFor = (kind: string, seed = 1): ManifestFields => tinyManifestFields(kind, seed);

let folders = 0;
async function freshDir(): Promise<{ parent: string; dir: string }> {
  const parent = join(root, `case-${++folders}`);
  await mkdir(parent);
  return { parent, dir: join(parent, 'model') };
}

/** A saved bag model (the cheapest kind; `cnn` for a tfjs network's files) in a fresh folder, for the corruption tests. */
async function savedModel(kind = 'bag'): Promise<string> {
  const { dir } = await freshDir();
  const classifier = tinyClassifier(kind, 1, { global: 0.4, perGenre: [0.3, 0.5, 0.6], mode: 'perGenre' });
  await saveModel(classifier, manifestFor(kind), dir);
  classifier.dispose();
  return dir;
}

async function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const file = join(dir, 'manifest.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(file, JSON.stringify(json));
}

/** Asserts loadModel rejects with a PlotlineError whose message names `file` (and matches `pattern`). */
async function assertLoadError(dir: string, file: string, pattern: RegExp, field?: string): Promise<void> {
  await assert.rejects(loadModel(dir), (error: unknown) => {
    assert.ok(error instanceof PlotlineError, `a PlotlineError, got ${String(error)}`);
    assert.ok(error.message.includes(join(dir, file)), `"${error.message}" names ${file}`);
    assert.match(error.message, pattern);
    if (field !== undefined) {
      assert.equal(error.field, field);
      assert.ok(error.message.includes(field), `"${error.message}" names the field ${field}`);
    }
    return true;
  });
}

for (const kind of MODEL_KIND_NAMES) {
  test(`${kind}: save then load gives identical scores, encoder, genres, thresholds and manifest`, async () => {
    const { dir } = await freshDir();
    const thresholds = { global: 0.35, perGenre: [0.3, 0.45, 0.6], mode: 'perGenre' as const };
    const classifier = tinyClassifier(kind, 9, thresholds);
    const fields = manifestFor(kind, 9);
    await saveModel(classifier, fields, dir);
    // bag keeps its collapsed linear form only (linear-bag-file.ts); the others keep the tfjs network.
    assert.deepEqual((await readdir(dir)).sort(), kind === 'bag' ? ['linear.bin', 'linear.json', 'manifest.json'] : ['manifest.json', 'model.json', 'weights.bin']);

    const { classifier: loadedModel, manifest } = await loadModel(dir);
    if (kind === 'bag') assert.ok(loadedModel instanceof LinearBagModel, 'bag loads as its collapsed linear form');
    else assert.ok(loadedModel instanceof GenreClassifier, 'a from-scratch kind loads as a GenreClassifier');
    const loaded = loadedModel;
    const texts = [...TEXTS, 'an unseen zebra word', ''];
    assert.deepEqual(Array.from(await loaded.score(texts)), Array.from(await classifier.score(texts)));
    for (const t of texts) assert.deepEqual(Array.from(loaded.encoder.encode(t)), Array.from(classifier.encoder.encode(t)));
    assert.deepEqual(loaded.encoder.toJSON(), classifier.encoder.toJSON());
    assert.deepEqual([...loaded.genres], [...GENRES]);
    assert.deepEqual(loaded.thresholds, thresholds);
    assert.deepEqual(await loaded.predict(texts), await classifier.predict(texts));

    // The manifest round-trips: what was given, plus what saveModel adds.
    assert.deepEqual(manifest, {
      format: 'plotline-model',
      formatVersion: FORMAT_VERSION,
      ...fields,
      encoder: classifier.encoder.toJSON(),
      genres: [...GENRES],
      thresholds,
    });
    assert.deepEqual(await readManifest(dir), manifest);
    classifier.dispose();
    loaded.dispose();
  });
}

test('saving over an existing folder replaces it whole and leaves no temporary folders behind', async () => {
  const { parent, dir } = await freshDir();
  await mkdir(dir);
  await writeFile(join(dir, 'stale.txt'), 'from an older model');
  const first = tinyClassifier('bag', 1);
  await saveModel(first, manifestFor('bag', 1), dir);
  const second = tinyClassifier('cnn', 2);
  await saveModel(second, manifestFor('cnn', 2), dir);

  assert.deepEqual((await readdir(dir)).sort(), ['manifest.json', 'model.json', 'weights.bin']);
  assert.deepEqual(await readdir(parent), ['model'], 'no .tmp- or .old- sibling left');
  const { classifier: loaded, manifest } = await loadModel(dir);
  assert.equal(manifest.kind, 'cnn');
  assert.equal(manifest.training.seed, 2);
  assert.deepEqual(Array.from(await loaded.score(TEXTS)), Array.from(await second.score(TEXTS)));
  first.dispose();
  second.dispose();
  loaded.dispose();
});

test('saving onto a file (not a folder) fails and leaves the file and no temporary folder', async () => {
  const { parent, dir } = await freshDir();
  await writeFile(dir, 'not a folder');
  const classifier = tinyClassifier('bag', 1);
  await assert.rejects(saveModel(classifier, manifestFor('bag'), dir), PlotlineError);
  assert.deepEqual(await readdir(parent), ['model']);
  assert.ok((await stat(dir)).isFile());
  classifier.dispose();
});

test('loading a missing folder names manifest.json', async () => {
  const { dir } = await freshDir();
  await assertLoadError(dir, 'manifest.json', /missing/);
});

test('loading a folder without a manifest names manifest.json', async () => {
  const dir = await savedModel();
  await rm(join(dir, 'manifest.json'));
  await assertLoadError(dir, 'manifest.json', /missing/);
});

test('a manifest that is not JSON is reported as such', async () => {
  const dir = await savedModel();
  await writeFile(join(dir, 'manifest.json'), '{ "format": "plotline-model", ');
  await assertLoadError(dir, 'manifest.json', /not valid JSON/);
});

test('a manifest missing a field names the field', async () => {
  const top = await savedModel();
  await editManifest(top, (m) => delete m.kind);
  await assertLoadError(top, 'manifest.json', /expected a Plotline model manifest/, 'kind');

  const nested = await savedModel();
  await editManifest(nested, (m) => delete (m.training as Record<string, unknown>).seed);
  await assertLoadError(nested, 'manifest.json', /expected a Plotline model manifest/, 'training.seed');
});

test('a manifest of a newer format version is refused with an upgrade hint', async () => {
  const dir = await savedModel();
  await editManifest(dir, (m) => (m.formatVersion = FORMAT_VERSION + 1));
  await assertLoadError(dir, 'manifest.json', new RegExp(`version ${FORMAT_VERSION + 1} is newer.*upgrade`));
});

test('per-genre thresholds that do not match the genres are refused', async () => {
  const dir = await savedModel();
  await editManifest(dir, (m) => ((m.thresholds as { perGenre: number[] }).perGenre = [0.5, 0.5]));
  await assertLoadError(dir, 'manifest.json', /2 per-genre thresholds for 3 genres/, 'thresholds.perGenre');
});

test('a truncated weights.bin is reported with both sizes', async () => {
  const dir = await savedModel('cnn');
  const file = join(dir, 'weights.bin');
  const size = (await stat(file)).size;
  await truncate(file, size - 8);
  await assertLoadError(dir, 'weights.bin', new RegExp(`holds ${size - 8} bytes.*describes ${size}`));
});

test('a missing weights.bin is reported', async () => {
  const dir = await savedModel('cnn');
  await rm(join(dir, 'weights.bin'));
  await assertLoadError(dir, 'weights.bin', /missing/);
});

test('a model.json that is not JSON names model.json', async () => {
  const dir = await savedModel('cnn');
  await writeFile(join(dir, 'model.json'), 'not json at all');
  await assertLoadError(dir, 'model.json', /not valid JSON/);
});

test('a manifest listing more genres than the network has outputs is refused', async () => {
  const dir = await savedModel('cnn');
  await editManifest(dir, (m) => {
    m.genres = [...GENRES, 'Documentaries'];
    (m.thresholds as { perGenre: number[] | null }).perGenre = null;
  });
  await assertLoadError(dir, 'model.json', /3 outputs but the manifest lists 4 genres/);
});

test('a manifest whose model config, encoder or genres are invalid fails naming the field', async () => {
  const badConfig = await savedModel();
  await editManifest(badConfig, (m) => ((m.config as Record<string, unknown>).embeddingDim = -4));
  await assertLoadError(badConfig, 'manifest.json', /not a valid model config.*embeddingDim/, 'config');

  const badEncoder = await savedModel();
  await editManifest(badEncoder, (m) => ((m.encoder as Record<string, unknown>).buckets = 'many'));
  await assertLoadError(badEncoder, 'manifest.json', /buckets/, 'encoder.buckets');

  const duplicateGenres = await savedModel();
  await editManifest(duplicateGenres, (m) => ((m.genres as string[])[1] = (m.genres as string[])[0]));
  await assertLoadError(duplicateGenres, 'manifest.json', /unique/, 'genres');
});

test('bag with storage int8: one byte per weight plus a scale per row, scores close to the float32 ones', async () => {
  const classifier = tinyClassifier('bag', 3);
  const full = (await freshDir()).dir;
  const small = (await freshDir()).dir;
  await saveModel(classifier, manifestFor('bag', 3), full);
  const int8Fields = manifestFor('bag', 3);
  int8Fields.config = { ...int8Fields.config, storage: 'int8' };
  await saveModel(classifier, int8Fields, small);
  const [fullBytes, smallBytes] = [(await stat(join(full, 'linear.bin'))).size, (await stat(join(small, 'linear.bin'))).size];
  // 512 buckets + padding = 513 rows, 3 genres: float32 weights | idf | bias, vs scales | idf | bias | int8 weights.
  assert.equal(fullBytes, (513 * 3 + 513 + 3) * 4);
  assert.equal(smallBytes, (513 + 513 + 3) * 4 + 513 * 3);
  const texts = [...TEXTS, 'an unseen zebra word'];
  const exact = await classifier.score(texts);
  const { classifier: quantised, manifest } = await loadModel(small);
  assert.equal(manifest.config.storage, 'int8');
  const approximate = await quantised.score(texts);
  let largest = 0;
  for (let i = 0; i < exact.length; i++) largest = Math.max(largest, Math.abs(exact[i] - approximate[i]));
  assert.ok(largest > 0, 'int8 weights are not the float32 ones');
  assert.ok(largest < 0.01, `probabilities move by ${largest}`);
  classifier.dispose();
});

test('a bag folder with a truncated linear.bin or a linear.json for other genres fails naming the file', async () => {
  const truncated = await savedModel();
  const bin = join(truncated, 'linear.bin');
  const size = (await stat(bin)).size;
  await truncate(bin, size - 4);
  await assertLoadError(truncated, 'linear.bin', new RegExp(`holds ${size - 4} bytes.*corrupt`));

  const otherGenres = await savedModel();
  await editManifest(otherGenres, (m) => {
    m.genres = [...GENRES, 'Documentaries'];
    (m.thresholds as { perGenre: number[] | null }).perGenre = null;
  });
  await assertLoadError(otherGenres, 'linear.json', /3 genres but the manifest lists 4/, 'genres');

  const missing = await savedModel();
  await rm(join(missing, 'linear.bin'));
  await assertLoadError(missing, 'linear.bin', /missing/);
});
