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
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { useBackend } from '../../src/engine/backend.js';
import { exportOnnx, type OnnxSideFile } from '../../src/export/export-model.js';
import { addHead } from '../../src/export/head-onnx.js';
import { FLOAT, OnnxGraph } from '../../src/export/onnx-graph.js';
import { buildHead } from '../../src/models/encoder-head/head.js';
import { loadModel, saveModel } from '../../src/models/storage.js';
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

test('cnn: ONNX Runtime scores = Plotline\'s network, batched and alone', async () => {
  const dir = join(files.dir, 'cnn');
  const source = tinyClassifier('cnn', 6);
  randomise(source.network, 12, 1);
  await saveModel(source, { ...tinyManifestFields('cnn', 6), config: TINY_CONFIGS.cnn }, dir);
  const { classifier: loaded } = await loadModel(dir);
  const expected = await loaded.score(texts);
  assert.ok(Math.max(...expected) - Math.min(...expected) > 0.5, 'scores spread widely, so agreeing means something');
  const out = join(files.dir, 'cnn.onnx');
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
    g.op('Identity', [addHead(g, network)], {}, 'scores');
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
