import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { useBackend } from '../../src/engine/backend.js';
import { kindNames } from '../../src/models/kinds.js';
import { loadModel, readManifest, saveModel } from '../../src/models/storage.js';
import { FORMAT_VERSION } from '../../src/models/manifest.js';
import { PlotlineError } from '../../src/util/errors.js';
import { GenreClassifier } from '../../src/models/classifier.js';
import { LinearBagModel } from '../../src/models/bag/linear-bag-model.js';
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

/** Path of a model's data file (model.json, weights.bin) in the version folder its manifest names. */
async function dataFile(dir: string, name: string): Promise<string> {
  const { files } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
  const path = Object.keys(files).find((p) => p.endsWith(`/${name}`));
  assert.ok(path !== undefined, `the manifest lists ${name}`);
  return join(dir, path);
}

/** Records the current sha256 of every listed file, as a writer of a bad model with valid checksums would. */
async function reseal(dir: string): Promise<void> {
  const file = join(dir, 'manifest.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as { files: Record<string, string> };
  for (const path of Object.keys(json.files)) json.files[path] = createHash('sha256').update(await readFile(join(dir, path))).digest('hex');
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

for (const kind of kindNames('scratch')) {
  test(`${kind}: save then load gives identical scores, encoder, genres, thresholds and manifest`, async () => {
    const { dir } = await freshDir();
    const thresholds = { global: 0.35, perGenre: [0.3, 0.45, 0.6], mode: 'perGenre' as const };
    const classifier = tinyClassifier(kind, 9, thresholds);
    const fields = manifestFor(kind, 9);
    await saveModel(classifier, fields, dir);
    const [version, ...others] = (await readdir(dir)).filter((name) => name !== 'manifest.json');
    assert.deepEqual(others, [], 'one version folder beside manifest.json');
    assert.match(version, /^v-\d+-[0-9a-f]{8}$/);
    // bag keeps its collapsed linear form only (linear-bag-file.ts); the others keep the tfjs network.
    assert.deepEqual((await readdir(join(dir, version))).sort(), kind === 'bag' ? ['linear.bin', 'linear.json'] : ['model.json', 'weights.bin']);

    const { classifier: loadedModel, manifest } = await loadModel(dir);
    if (kind === 'bag') assert.ok(loadedModel instanceof LinearBagModel, 'bag loads as its collapsed linear form');
    else assert.ok(loadedModel instanceof GenreClassifier, 'a from-scratch kind loads as a GenreClassifier');
    const loaded = loadedModel;
    const texts = [...TEXTS, 'an unseen zebra word', ''];
    assert.deepEqual(Array.from(await loaded.score(texts)), Array.from(await classifier.score(texts)));
    for (const t of texts) assert.deepEqual(Array.from(loaded.vectorizer.encode(t)), Array.from(classifier.vectorizer.encode(t)));
    assert.deepEqual(loaded.vectorizer.toJSON(), classifier.vectorizer.toJSON());
    assert.deepEqual([...loaded.genres], [...GENRES]);
    assert.deepEqual(loaded.thresholds, thresholds);
    assert.deepEqual(await loaded.predict(texts), await classifier.predict(texts));

    // The manifest round-trips: what was given, plus what saveModel adds, including every file's sha256.
    const sha = async (name: string) => createHash('sha256').update(await readFile(join(dir, version, name))).digest('hex');
    const names = kind === 'bag' ? ['linear.bin', 'linear.json'] : ['model.json', 'weights.bin'];
    assert.deepEqual(manifest.files, Object.fromEntries(await Promise.all(names.map(async (name) => [`${version}/${name}`, await sha(name)]))));
    assert.deepEqual(manifest, {
      files: manifest.files,
      format: 'plotline-model',
      formatVersion: FORMAT_VERSION,
      ...fields,
      encoder: classifier.vectorizer.toJSON(),
      genres: [...GENRES],
      thresholds,
    });
    assert.deepEqual(await readManifest(dir), manifest);
    classifier.dispose();
    loaded.dispose();
  });
}

test('saving over an existing folder replaces the model, keeps files it did not write, and leaves no temporary files behind', async () => {
  const { parent, dir } = await freshDir();
  await mkdir(dir);
  await writeFile(join(dir, 'stale.txt'), 'from an older model');
  const first = tinyClassifier('bag', 1);
  await saveModel(first, manifestFor('bag', 1), dir);
  const second = tinyClassifier('cnn', 2);
  await saveModel(second, manifestFor('cnn', 2), dir);

  const names = (await readdir(dir)).sort();
  assert.equal(names.length, 3, names.join(', '));
  assert.deepEqual([names[0], names[1]], ['manifest.json', 'stale.txt']);
  assert.match(names[2], /^v-\d+-[0-9a-f]{8}$/, 'only the new version folder: the first one was removed');
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

test('loading a missing folder says the folder does not exist', async () => {
  const { dir } = await freshDir();
  for (const load of [() => loadModel(dir), () => readManifest(dir)]) {
    const error = await load().then(() => null, (e: unknown) => e);
    assert.ok(error instanceof PlotlineError);
    assert.equal(error.file, dir);
    assert.match(error.message, /no such model folder; expected the folder written by `plotline train --out DIR`/);
  }
});

test('a model given by its manifest.json loads; another file is refused saying what to pass', async () => {
  const dir = await savedModel();
  const { classifier, manifest } = await loadModel(join(dir, 'manifest.json'));
  assert.equal(manifest.genres.length, classifier.genres.length);
  classifier.dispose();
  const other = 'notes.txt';
  await writeFile(join(dir, other), 'not a model');
  const error = await loadModel(join(dir, other)).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof PlotlineError);
  assert.ok(error.message.startsWith(`${join(dir, other)}: is a file, not a model folder`), error.message);
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
  const file = await dataFile(dir, 'weights.bin');
  const size = (await stat(file)).size;
  await truncate(file, size - 8);
  await reseal(dir);
  await assertLoadError(dir, file.slice(dir.length + 1), new RegExp(`holds ${size - 8} bytes.*describes ${size}`));
});

test('a missing weights.bin is reported', async () => {
  const dir = await savedModel('cnn');
  const file = await dataFile(dir, 'weights.bin');
  await rm(file);
  await assertLoadError(dir, file.slice(dir.length + 1), /missing/);
});

test('a model.json that is not JSON names model.json', async () => {
  const dir = await savedModel('cnn');
  const file = await dataFile(dir, 'model.json');
  await writeFile(file, 'not json at all');
  await reseal(dir);
  await assertLoadError(dir, file.slice(dir.length + 1), /not valid JSON/);
});

test('a manifest listing more genres than the network has outputs is refused', async () => {
  const dir = await savedModel('cnn');
  await editManifest(dir, (m) => {
    m.genres = [...GENRES, 'Documentaries'];
    (m.thresholds as { perGenre: number[] | null }).perGenre = null;
  });
  await assertLoadError(dir, (await dataFile(dir, 'model.json')).slice(dir.length + 1), /3 outputs but the manifest lists 4 genres/);
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

test('one flipped byte in weights.bin or model.json is refused, naming the file and the checksum', async () => {
  for (const [kind, name] of [['cnn', 'weights.bin'], ['cnn', 'model.json'], ['bag', 'linear.bin']]) {
    const dir = await savedModel(kind);
    const file = await dataFile(dir, name);
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await writeFile(file, bytes);
    await assertLoadError(dir, file.slice(dir.length + 1), /sha256 [0-9a-f]{12}\.\.\. differs .* recorded in manifest\.json/);
  }
});

test('a manifest whose files map is edited to leave one version folder is refused', async () => {
  const dir = await savedModel();
  await editManifest(dir, (m) => {
    const files = m.files as Record<string, string>;
    const [first] = Object.keys(files);
    files[`v-1-00000000/${first.split('/')[1]}`] = files[first];
  });
  await assertLoadError(dir, 'manifest.json', /outside one version folder/, 'files');
});

test('a NaN or infinite weight is refused, naming weights.bin and the weight, even with valid checksums', async () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    const dir = await savedModel('cnn');
    const file = await dataFile(dir, 'weights.bin');
    const bytes = await readFile(file);
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setFloat32(bytes.length - 4, bad, true); // the last weight: the output bias
    await writeFile(file, bytes);
    await reseal(dir);
    await assertLoadError(dir, file.slice(dir.length + 1), new RegExp(`weight ".*" holds ${bad} at flat index \\d+ .*must be finite`));
  }
});

test('config or encoder values that do not fit the weight shapes are refused, naming the field', async () => {
  const buckets = await savedModel();
  await editManifest(buckets, (m) => ((m.encoder as Record<string, unknown>).buckets = 1024));
  await assertLoadError(buckets, 'manifest.json', /encoder gives ids for 1025 rows but the saved linear weights have 513/, 'encoder');

  const configBuckets = await savedModel();
  await editManifest(configBuckets, (m) => ((m.config as Record<string, unknown>).buckets = 1024));
  await assertLoadError(configBuckets, 'manifest.json', /config buckets 1024 implies 1025 rows but the saved linear weights have 513/, 'config');

  const dim = await savedModel('cnn');
  await editManifest(dim, (m) => ((m.config as Record<string, unknown>).embeddingDim = 8));
  await assertLoadError(dim, 'manifest.json', /shape \[\d+, 8\], but the saved weight is \[\d+, 4\]/, 'config');

  const cnnVocabulary = await savedModel('cnn');
  await editManifest(cnnVocabulary, (m) => (m.encoder as { tokens: string[] }).tokens.push('zzzextra'));
  await assertLoadError(cnnVocabulary, 'manifest.json', /encoder gives ids for \d+ rows but the saved embedding/, 'encoder');
});

test('a model folder saved before checksums (flat layout, no files) still loads, and saving over it replaces the flat files', async () => {
  const dir = await savedModel('cnn');
  const manifestFile = join(dir, 'manifest.json');
  const version = (await readdir(dir)).find((n) => n.startsWith('v-')) as string;
  for (const name of ['model.json', 'weights.bin']) await writeFile(join(dir, name), await readFile(join(dir, version, name)));
  await rm(join(dir, version), { recursive: true });
  await editManifest(dir, (m) => delete m.files);
  const { classifier: legacy } = await loadModel(dir);
  assert.equal(legacy.genres.length, GENRES.length);
  await legacy.dispose();

  const next = tinyClassifier('cnn', 5);
  await saveModel(next, manifestFor('cnn', 5), dir);
  const names = await readdir(dir);
  assert.ok(!names.includes('model.json') && !names.includes('weights.bin'), names.join(', '));
  assert.equal((JSON.parse(await readFile(manifestFile, 'utf8')) as { kind: string }).kind, 'cnn');
  const { classifier: loaded } = await loadModel(dir);
  assert.deepEqual(Array.from(await loaded.score(TEXTS)), Array.from(await next.score(TEXTS)));
  next.dispose();
  await loaded.dispose();
});

test('a NaN in the linear weights of a bag is refused, naming linear.bin, even with valid checksums', async () => {
  const dir = await savedModel();
  const file = await dataFile(dir, 'linear.bin');
  const bytes = await readFile(file);
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setFloat32(bytes.length - 4, Number.NaN, true); // the last bias
  await writeFile(file, bytes);
  await reseal(dir);
  await assertLoadError(dir, file.slice(dir.length + 1), /bias values hold NaN at index 2; weights must be finite/);
});

test('bag with storage int8: one byte per weight plus a scale per row, scores close to the float32 ones', async () => {
  const classifier = tinyClassifier('bag', 3);
  const full = (await freshDir()).dir;
  const small = (await freshDir()).dir;
  await saveModel(classifier, manifestFor('bag', 3), full);
  const int8Fields = manifestFor('bag', 3);
  int8Fields.config = { ...int8Fields.config, storage: 'int8' };
  await saveModel(classifier, int8Fields, small);
  const [fullBytes, smallBytes] = [(await stat(await dataFile(full, 'linear.bin'))).size, (await stat(await dataFile(small, 'linear.bin'))).size];
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
  const bin = await dataFile(truncated, 'linear.bin');
  const size = (await stat(bin)).size;
  await truncate(bin, size - 4);
  await reseal(truncated);
  await assertLoadError(truncated, bin.slice(truncated.length + 1), new RegExp(`holds ${size - 4} bytes.*corrupt`));

  const otherGenres = await savedModel();
  await editManifest(otherGenres, (m) => {
    m.genres = [...GENRES, 'Documentaries'];
    (m.thresholds as { perGenre: number[] | null }).perGenre = null;
  });
  await assertLoadError(otherGenres, (await dataFile(otherGenres, 'linear.json')).slice(otherGenres.length + 1), /3 genres but the manifest lists 4/, 'genres');

  const missing = await savedModel();
  const missingBin = await dataFile(missing, 'linear.bin');
  await rm(missingBin);
  await assertLoadError(missing, missingBin.slice(missing.length + 1), /missing/);
});

test('prior-shifted thresholds keep their shift through save and load; a negative shift is refused naming the field', async () => {
  const { dir } = await freshDir();
  const thresholds = { global: 0.45, perGenre: [0.2, 0.45, 0.6], mode: 'perGenre' as const, priorShift: 0.5 };
  const classifier = tinyClassifier('bag', 1, thresholds);
  await saveModel(classifier, manifestFor('bag'), dir);
  classifier.dispose();
  const { classifier: loaded, manifest } = await loadModel(dir);
  assert.deepEqual(manifest.thresholds, thresholds);
  assert.deepEqual(loaded.thresholds, thresholds);
  await loaded.dispose();
  await editManifest(dir, (m) => ((m.thresholds as Record<string, unknown>).priorShift = -1));
  await assert.rejects(loadModel(dir), /priorShift/);
  // A shift that no per-genre list carries would claim a decision the model does not make.
  await editManifest(dir, (m) => Object.assign(m.thresholds as Record<string, unknown>, { priorShift: 0.3, mode: 'global' }));
  await assert.rejects(loadModel(dir), /priorShift describes per-genre thresholds/);
  await editManifest(dir, (m) => Object.assign(m.thresholds as Record<string, unknown>, { priorShift: 5, mode: 'perGenre' }));
  await assert.rejects(loadModel(dir), /priorShift/);
  // 0 is no shift: such thresholds are not prior-shifted, and saying so would describe them falsely.
  await editManifest(dir, (m) => Object.assign(m.thresholds as Record<string, unknown>, { priorShift: 0, mode: 'perGenre' }));
  await assert.rejects(loadModel(dir), /priorShift/);
});
