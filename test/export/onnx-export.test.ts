/**
 * ONNX export, checked in ONNX Runtime (onnxruntime-node): a `bag` model's exported graph gives the
 * same scores as Plotline's own scoring (within 1e-5) on texts of many lengths, batched and alone, with
 * both normalisations; so does a `cnn`'s; an encoder head's graph gives its network's scores on sentence vectors; the side
 * file describes input, output, genres and featurisation; an `onnx`-kind model (tiny BERT encoder) exported
 * whole scores its encoder's vectors as Plotline scores the texts; kinds without an export are refused.
 * Weights are set to seeded random values of unit scale so the scores spread over (0, 1).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { useBackend } from '../../src/engine/backend.js';
import { exportOnnx, type OnnxSideFile } from '../../src/export/export-model.js';
import { addHead } from '../../src/export/head-onnx.js';
import { NetworkHead } from '../../src/models/encoder-head/network-head.js';
import { FLOAT, OnnxGraph } from '../../src/util/onnx-graph.js';
import { buildHead } from '../../src/models/encoder-head/head.js';
import { loadModel, saveModel } from '../../src/models/storage.js';
import { KINDS } from '../../src/models/kinds.js';
import { writeNetwork } from '../../src/models/network-files.js';
import { GenreClassifier } from '../../src/models/classifier.js';
import { createRng } from '../../src/util/random.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';
import { TEXTS, TINY_CONFIGS, tinyClassifier, tinyManifestFields } from '../models/fixtures.js';
import { saveTinyModel } from '../batch/tiny-model.js';
import { EncoderHeadClassifier } from '../../src/models/encoder-head/encoder-head-classifier.js';
import { trainModel } from '../../src/training/train-model.js';
import { KEYWORD_GENRES, keywordDataset } from '../helpers/keyword-dataset.js';
import { noSharedMiniLm, writeTinyBertFolder } from '../helpers/tiny-bert.js';

const files = fixtureFolder('export');
const { onnx } = onnxProto;
const TOLERANCE = 1e-5;

/** Texts of 1 to ~40 words (and one with no features at all). */
const texts = [...TEXTS, ...TEXTS.map((t, i) => `${t} ${TEXTS[(i + 3) % TEXTS.length]} ${TEXTS[(i + 5) % TEXTS.length]}`), 'Noir.', '!!!'];

before(async () => {
  await useBackend('wasm');
});

/** Every weight of `network` set to seeded uniform values in [-scale, scale) (idf, frozen, kept). */
function randomise(network: tf.LayersModel, seed: number, scale: number): void {
  const rng = createRng(seed);
  for (const layer of network.layers) {
    if (layer.name === 'idf') continue;
    layer.setWeights(layer.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => (rng.next() * 2 - 1) * scale), w.shape)));
  }
}

/** Runs an exported id-input graph (bag, cnn) on texts encoded and padded as its side file says. */
async function runIds(file: string, classifier: GenreClassifier, batch: readonly string[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const encoded = batch.map((t) => classifier.vectorizer.encode(t));
  const length = Math.max(1, classifier.vectorizer.minLength, ...encoded.map((e) => e.length));
  const ids = new BigInt64Array(batch.length * length); // padded with 0
  encoded.forEach((e, r) => e.forEach((id, c) => (ids[r * length + c] = BigInt(id))));
  const result = await session.run({ ids: new ort.Tensor('int64', ids, [batch.length, length]) });
  await session.release();
  return result.scores.data as Float32Array;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= TOLERANCE, `${what}: largest difference ${worst} > ${TOLERANCE}`);
}

for (const normalisation of ['l2', 'sum'] as const) {
  test(`bag (${normalisation}): ONNX Runtime scores = Plotline's, batched and alone`, async () => {
    const dir = join(files.dir, `bag-${normalisation}`);
    const source = tinyClassifier('bag', 5);
    const config = { ...TINY_CONFIGS.bag, normalisation };
    const classifier = new GenreClassifier(source.network, source.vectorizer, source.genres, source.thresholds);
    randomise(classifier.network, 11, normalisation === 'sum' ? 3 : 1.5);
    await saveModel(classifier, { ...tinyManifestFields('bag', 5), config }, dir);
    const { classifier: loaded } = await loadModel(dir);
    const expected = await loaded.score(texts);
    assert.ok(Math.max(...expected) - Math.min(...expected) > 0.5, 'scores spread widely, so agreeing means something');

    const out = join(files.dir, `bag-${normalisation}.onnx`);
    const result = await exportOnnx({ model: dir, out });
    assert.equal(result.kind, 'bag');
    const actual = await runIds(out, loaded as GenreClassifier, texts);
    assertClose(actual, expected, 'batched');
    const k = loaded.genres.length;
    for (const i of [0, texts.length - 2, texts.length - 1]) assertClose(await runIds(out, loaded as GenreClassifier, [texts[i]]), expected.subarray(i * k, (i + 1) * k), `"${texts[i]}" alone`);

    const side = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as OnnxSideFile;
    assert.equal(side.format, 'plotline-onnx');
    assert.deepEqual(side.genres, loaded.genres);
    assert.deepEqual(side.inputs.map((i) => i.name), ['ids']);
    assert.equal(side.fields, null);
    assert.deepEqual(side.output.shape, ['batch', k]);
    assert.equal(side.featurisation.type, 'ngrams');
    assert.equal(side.featurisation.buckets, TINY_CONFIGS.bag.buckets);
    assert.match(side.modelId, /^bag-[0-9a-f]{12}$/);
    await loaded.dispose();
  });
}

test('a saved bag exports without tfjs: the CLI in a process that loads none writes exportOnnx\'s bytes here, and the graph is the one its tfjs network gives (a folder saved as that network)', async () => {
  const source = tinyClassifier('bag', 7);
  const classifier = new GenreClassifier(source.network, source.vectorizer, source.genres, source.thresholds);
  randomise(classifier.network, 13, 1.5);
  const linearDir = join(files.dir, 'bag-linear');
  await saveModel(classifier, tinyManifestFields('bag', 7), linearDir);
  // The same network saved as its tfjs layers, as bag folders were before the collapsed form: export
  // then collapses it with tfjs (export/network-onnx.ts).
  const networkDir = join(files.dir, 'bag-network');
  const save = KINDS.bag.save;
  KINDS.bag.save = (model, _config, dataDir) => writeNetwork(model.network, dataDir);
  try {
    await saveModel(classifier, tinyManifestFields('bag', 7), networkDir);
  } finally {
    KINDS.bag.save = save;
  }
  assert.ok(Object.keys((JSON.parse(readFileSync(join(networkDir, 'manifest.json'), 'utf8')) as { files: Record<string, string> }).files).some((f) => f.endsWith('/weights.bin')), 'saved as the network');

  const out = join(files.dir, 'bag-same.onnx');
  await exportOnnx({ model: linearDir, out });
  const [graph, side] = [readFileSync(out), readFileSync(`${out}.json`)];
  // The built command's path without a backend (test/models/kind-loaders.test.ts checks it loads no tfjs).
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url)), 'export', '--model', linearDir, '--format', 'onnx', '--out', out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(readFileSync(out).equals(graph), 'the same ONNX bytes');
  assert.ok(readFileSync(`${out}.json`).equals(side), 'the same side file');

  const fromNetwork = join(files.dir, 'bag-from-network.onnx');
  const result = await exportOnnx({ model: networkDir, out: fromNetwork });
  assert.equal(result.kind, 'bag');
  // Byte for byte but for the doc string, which names the model id (a hash of its manifest) and the file.
  const withoutDoc = (bytes: Uint8Array) => Buffer.from(onnx.ModelProto.encode({ ...onnx.ModelProto.decode(bytes), docString: '' }).finish());
  assert.ok(withoutDoc(readFileSync(fromNetwork)).equals(withoutDoc(graph)), 'the same graph as from the tfjs network');
  assert.ok(withoutDoc(graph).length > 1000);
  const sideOf = (file: string) => ({ ...(JSON.parse(readFileSync(file, 'utf8')) as OnnxSideFile), modelId: '' });
  assert.deepEqual(sideOf(`${fromNetwork}.json`), sideOf(`${out}.json`));
});

/**
 * The side file's `decision` steps, followed from the side file alone (not Plotline's code): the genres
 * of each title from the graph's scores (n x k) and each title's fields.
 */
function decideFromSideFile(side: OnnxSideFile, scores: Float32Array, fields: readonly Record<string, string>[]): string[][] {
  const k = side.genres.length;
  const t = side.thresholds;
  const cut = Float32Array.from(t.mode === 'perGenre' && t.perGenre !== null ? t.perGenre : side.genres.map(() => t.global));
  const rules = side.rules as { familyField: string | null; families: { value: string; genres: string[] }[]; unknownFamily: string; maxGenres: number | null } | null;
  return fields.map((titleFields, r) => {
    const s = Array.from(scores.subarray(r * k, (r + 1) * k));
    const zeroed = new Set<number>();
    if (rules !== null && rules.familyField !== null) {
      const columns = rules.families.map((f) => f.genres.map((g) => side.genres.indexOf(g)));
      const value = side.fields?.names.includes(rules.familyField) ? titleFields[rules.familyField] : undefined;
      let family = value === undefined ? -1 : rules.families.findIndex((f) => f.value.trim().toLowerCase() === value.trim().toLowerCase());
      if (family < 0 && rules.unknownFamily !== 'none') {
        const weigh = (c: number[]) => (rules.unknownFamily === 'total' ? c.reduce((a, j) => a + s[j], 0) : Math.max(...c.map((j) => s[j])));
        family = columns.reduce((best, c, f) => (weigh(c) > weigh(columns[best]) ? f : best), 0);
      }
      if (family >= 0) columns.forEach((c, f) => f !== family && c.forEach((j) => zeroed.add(j)));
    }
    zeroed.forEach((j) => (s[j] = 0));
    if (rules !== null && rules.maxGenres !== null && rules.maxGenres < k) {
      const order = (a: number, b: number, key: (j: number) => number) => key(b) - key(a) || a - b;
      const passing = s.map((_, j) => j).filter((j) => s[j] >= cut[j]).sort((a, b) => order(a, b, (j) => s[j] - cut[j]));
      const rest = s.map((_, j) => j).filter((j) => !(s[j] >= cut[j])).sort((a, b) => order(a, b, (j) => s[j]));
      const kept = new Set([...passing, ...rest].slice(0, rules.maxGenres));
      s.forEach((_, j) => { if (!kept.has(j) && s[j] !== 0) { s[j] = 0; zeroed.add(j); } });
    }
    const on = s.map((_, j) => j).filter((j) => s[j] >= cut[j] && !zeroed.has(j));
    if (on.length === 0) on.push(s.reduce((best, v, j) => (v > s[best] ? j : best), 0));
    return on.map((j) => side.genres[j]).sort();
  });
}

test('bag with genre rules and per-genre thresholds: the side file\'s decision steps on ONNX Runtime\'s scores give predict\'s genres', async () => {
  const dir = join(files.dir, 'bag-rules');
  // Comedies needs 0.8, Dramas 0.2: where both pass, the cap of 1 keeps the larger margin, often Dramas.
  const thresholds = { global: 0.5, perGenre: [0.8, 0.2, 0.5], mode: 'perGenre' as const };
  const source = tinyClassifier('bag', 5, thresholds);
  randomise(source.network, 11, 1.5);
  const rules = { familyField: 'type', families: [{ value: 'Movie', genres: ['Comedies', 'Dramas'] }, { value: 'TV Show', genres: ['Thrillers'] }], unknownFamily: 'total' as const, maxGenres: 1 };
  const columns = { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' as const };
  await saveModel(source, { ...tinyManifestFields('bag', 5), catalogue: { columns, fields: [], rules, fusion: null } }, dir);
  source.dispose();
  const { classifier: loaded } = await loadModel(dir);
  const out = join(files.dir, 'bag-rules.onnx');
  await exportOnnx({ model: dir, out });
  const side = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as OnnxSideFile;
  assert.deepEqual(side.rules, rules);
  assert.match(side.decision, /largest margin s - t first/);
  const scores = await runIds(out, loaded as GenreClassifier, texts);
  // The model reads no fields, so a given type does not hold the family: the unknown-family rule does.
  const fields = texts.map((_, i): Record<string, string> => (i % 2 === 0 ? { type: 'TV Show' } : {}));
  const expected = (await loaded.predict(texts, { fields })).map((p) => [...p.genres].sort());
  assert.deepEqual(decideFromSideFile(side, scores, fields), expected);
  // The cases that tell the margin from the probability apart occur: a title where both pass, Comedies
  // is the more probable but Dramas clears its threshold by more (a cap by probability kept Comedies).
  const k = side.genres.length;
  const split = texts.filter((_, r) => scores[r * k] >= 0.8 && scores[r * k + 1] >= 0.2 && scores[r * k] > scores[r * k + 1] && scores[r * k + 1] - 0.2 > scores[r * k] - 0.8);
  assert.ok(split.length > 0, 'some title is decided by the margin');
  await loaded.dispose();
});

// Multichannel: a frozen copy of the (here random) vectors beside the trained embedding; the path is only a record.
for (const multichannel of [false, true]) test(`cnn${multichannel ? ' (multichannel)' : ''}: ONNX Runtime scores = Plotline's network, batched and alone`, async () => {
  const name = multichannel ? 'cnn-multichannel' : 'cnn';
  const dir = join(files.dir, name);
  const changes = multichannel ? { multichannel: true, wordVectors: 'vectors.vec' } : {};
  const source = tinyClassifier('cnn', 6, undefined, changes);
  randomise(source.network, 12, 1);
  await saveModel(source, { ...tinyManifestFields('cnn', 6), config: { ...TINY_CONFIGS.cnn, ...changes } }, dir);
  const { classifier: loaded } = await loadModel(dir);
  const expected = await loaded.score(texts);
  assert.ok(Math.max(...expected) - Math.min(...expected) > 0.5, 'scores spread widely, so agreeing means something');
  const out = join(files.dir, `${name}.onnx`);
  assert.equal((await exportOnnx({ model: dir, out })).kind, 'cnn');
  assertClose(await runIds(out, loaded as GenreClassifier, texts), expected, 'batched');
  const k = loaded.genres.length;
  for (const i of [0, 5, texts.length - 2]) assertClose(await runIds(out, loaded as GenreClassifier, [texts[i]]), expected.subarray(i * k, (i + 1) * k), `"${texts[i]}" alone`);
  const side = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as OnnxSideFile;
  assert.equal(side.featurisation.type, 'words');
  assert.ok(Array.isArray(side.featurisation.tokens));
  await loaded.dispose();
});

test('an encoder head: ONNX Runtime scores = the head network\'s on sentence vectors', async () => {
  for (const hidden of [[16, 8], []]) {
    const network = buildHead({ hidden, dropout: 0.5, l2: 0 }, 24, 5, 3);
    randomise(network, 4, 0.8);
    const g = new OnnxGraph();
    g.op('Identity', [addHead(g, new NetworkHead(network).denseLayers())], {}, 'scores');
    g.output('scores', FLOAT, ['batch', 5]);
    const bytes = g.encode('head', 'test head');
    const rng = createRng(9);
    const n = 7;
    const vectors = Float32Array.from({ length: n * 24 }, () => rng.next() * 2 - 1);
    const expected = tf.tidy(() => (network.predict(tf.tensor2d(vectors, [n, 24])) as tf.Tensor).dataSync() as Float32Array);
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ embedding: new ort.Tensor('float32', vectors, [n, 24]) });
    await session.release();
    assertClose(result.scores.data as Float32Array, expected, `head [${hidden.join(', ')}]`);
    assert.ok(Math.max(...expected) - Math.min(...expected) > 0.3);
    network.dispose();
  }
});

test('an onnx-kind model (tiny BERT encoder + head) through exportOnnx: ONNX Runtime on its encoder\'s vectors gives its scores', { skip: noSharedMiniLm }, async () => {
  const bert = writeTinyBertFolder(join(files.dir, 'tiny-bert'));
  const trained = await trainModel(KEYWORD_GENRES, keywordDataset(24, 31), keywordDataset(12, 32), {
    kind: 'onnx', seed: 3, epochs: 2, batchSize: 8, learningRate: 0.01, config: { hidden: [8], dropout: 0.2 },
    encoder: { threads: 1, spec: bert }, cacheDir: join(files.dir, 'cache'),
  });
  const dir = join(files.dir, 'onnx-kind');
  await saveModel(trained.classifier as EncoderHeadClassifier, { ...tinyManifestFields('onnx', 3), config: trained.config }, dir);
  await trained.classifier.dispose();
  const out = join(files.dir, 'head.onnx');
  assert.equal((await exportOnnx({ model: dir, out })).kind, 'onnx');
  const side = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as OnnxSideFile;
  assert.equal(side.inputs[0].name, 'embedding');
  assert.equal(side.featurisation.type, 'onnx');
  const { classifier } = await loadModel(dir);
  try {
    const head = classifier as EncoderHeadClassifier;
    const expected = await head.score(texts);
    const vectors = await head.encoder.embed(texts);
    const session = await ort.InferenceSession.create(out);
    const result = await session.run({ embedding: new ort.Tensor('float32', vectors, [texts.length, head.encoder.dimension]) });
    await session.release();
    assertClose(result.scores.data as Float32Array, expected, 'head on the encoder\'s vectors');
  } finally {
    await classifier.dispose();
  }
});

test('a kind without an ONNX export is refused, naming the kinds that have one; nothing is written', async () => {
  const dir = join(files.dir, 'bilstm');
  await saveTinyModel(dir, 'bilstm');
  const error = await rejectsWith(exportOnnx({ model: dir, out: join(files.dir, 'bilstm.onnx') }));
  assert.match(error.message, /cannot export a bilstm model to ONNX: only bag, cnn, use, onnx/);
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.startsWith('bilstm.onnx') || f.startsWith('.bilstm')), []);
});
