/**
 * EncoderHeadClassifier over a small fake encoder: scores are the head applied to the encoder's
 * vectors, in input order (also past one head batch), decisions follow the thresholds with at least
 * one genre, the cache spares the encoder, withoutCache shares the network, dispose frees both.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/engine/backend.js';
import { EncoderHeadClassifier } from '../../../src/models/encoder-head/encoder-head-classifier.js';
import { HeadConfig, buildHead } from '../../../src/models/encoder-head/head.js';
import { NetworkHead } from '../../../src/models/encoder-head/network-head.js';
import type { DecisionThresholds } from '../../../src/models/genre-model.js';
import { EmbeddingCache } from '../../../src/encoders/embedding-cache.js';
import type { EncoderReference, SentenceEncoder } from '../../../src/encoders/sentence-encoder.js';
import { fixtureFolder } from '../../helpers/files.js';

before(async () => {
  await useBackend('wasm');
});

const GENRES = ['Comedies', 'Dramas', 'Thrillers'];
const K = GENRES.length;
const root = fixtureFolder('encoder-head-classifier');

/** Deterministic vectors from the text (FNV-style hash); counts embed calls, texts and disposals. */
class FakeEncoder implements SentenceEncoder {
  readonly id = 'fake:head-test';
  readonly calls: string[][] = [];
  disposed = 0;
  constructor(readonly dimension = 8) {}

  vector(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    let h = 2166136261;
    for (const c of text) h = Math.imul(h ^ c.codePointAt(0)!, 16777619);
    for (let j = 0; j < this.dimension; j++) {
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
      v[j] = ((h >>> 0) / 2 ** 32) * 4 - 2;
    }
    return v;
  }

  async embed(texts: readonly string[]): Promise<Float32Array> {
    this.calls.push([...texts]);
    const out = new Float32Array(texts.length * this.dimension);
    texts.forEach((t, i) => out.set(this.vector(t), i * this.dimension));
    return out;
  }

  get embedded(): number {
    return this.calls.reduce((sum, c) => sum + c.length, 0);
  }

  reference(): EncoderReference {
    return { type: 'use', id: this.id, source: 'fake', dimension: this.dimension, files: [{ path: 'x', sha256: '0'.repeat(64) }] };
  }

  async dispose(): Promise<void> {
    this.disposed++;
  }
}

const GLOBAL: DecisionThresholds = { global: 0.5, perGenre: null, mode: 'global' };

function makeClassifier(options: { thresholds?: DecisionThresholds; cache?: EmbeddingCache | null; seed?: number } = {}) {
  const encoder = new FakeEncoder();
  const network = buildHead(HeadConfig.parse({ hidden: [6], dropout: 0.3 }), encoder.dimension, K, options.seed ?? 1);
  const classifier = new EncoderHeadClassifier(encoder, new NetworkHead(network), GENRES, options.thresholds ?? { ...GLOBAL }, options.cache ?? null);
  return { encoder, network, classifier };
}

/** The head's output for the fake vectors of `texts`, computed straight from the network. */
function expectedScores(encoder: FakeEncoder, network: tf.LayersModel, texts: readonly string[]): Float32Array {
  const x = new Float32Array(texts.length * encoder.dimension);
  texts.forEach((t, i) => x.set(encoder.vector(t), i * encoder.dimension));
  return tf.tidy(() => (network.predict(tf.tensor2d(x, [texts.length, encoder.dimension])) as tf.Tensor).dataSync() as Float32Array);
}

const TEXTS = ['a detective in the rain', 'two friends fall in love', 'a killer robot', 'love', 'a family drama', ''];

test('score is the head applied to the encoder\'s vectors, in input order, with one embed call', async () => {
  const { encoder, network, classifier } = makeClassifier();
  const scores = await classifier.score(TEXTS);
  assert.equal(scores.length, TEXTS.length * K);
  assert.deepEqual(Array.from(scores), Array.from(expectedScores(encoder, network, TEXTS)));
  assert.deepEqual(encoder.calls, [TEXTS]);
  // Permuting the texts permutes the rows.
  const order = [4, 2, 0, 5, 1, 3];
  const permuted = await classifier.score(order.map((i) => TEXTS[i]));
  order.forEach((source, i) => assert.deepEqual(Array.from(permuted.subarray(i * K, (i + 1) * K)), Array.from(scores.subarray(source * K, (source + 1) * K))));
  // Duplicates are embedded once and scored the same.
  const before = encoder.embedded;
  const twice = await classifier.score([TEXTS[0], TEXTS[0]]);
  assert.equal(encoder.embedded - before, 1);
  assert.deepEqual(Array.from(twice.subarray(0, K)), Array.from(twice.subarray(K)));
  assert.equal((await classifier.score([])).length, 0);
  await classifier.dispose();
});

test('scoreEmbeddings past one head batch (1024 rows) keeps every row in place', async () => {
  const { encoder, network, classifier } = makeClassifier({ seed: 4 });
  const many = Array.from({ length: 1100 }, (_, i) => `text ${i}`);
  const scores = await classifier.score(many);
  assert.equal(scores.length, many.length * K);
  const expected = expectedScores(encoder, network, many);
  for (let i = 0; i < scores.length; i++) assert.ok(Math.abs(scores[i] - expected[i]) < 1e-6, `cell ${i}: ${scores[i]} vs ${expected[i]}`);
  // Rows on both sides of the boundary are those of the texts scored alone.
  for (const i of [1023, 1024, 1099]) {
    const alone = classifier.scoreEmbeddings(encoder.vector(many[i]));
    for (let j = 0; j < K; j++) assert.ok(Math.abs(alone[j] - scores[i * K + j]) < 1e-6, `row ${i}`);
  }
  await classifier.dispose();
});

test('predict and decide: thresholds from activeThresholds, at least one genre, best first, top-k', async () => {
  const { classifier } = makeClassifier({ seed: 2 });
  assert.equal(classifier.activeThresholds(), 0.5);
  const scores = await classifier.score(TEXTS);
  const predictions = await classifier.predict(TEXTS, { topK: 2 });
  assert.deepEqual(predictions, classifier.decide(scores, { topK: 2 }));
  predictions.forEach((p, i) => {
    const row = scores.subarray(i * K, (i + 1) * K);
    assert.deepEqual(Object.keys(p.scores), GENRES);
    GENRES.forEach((g, j) => assert.equal(p.scores[g], row[j]));
    const above = GENRES.filter((_, j) => row[j] >= 0.5);
    const best = GENRES[row.indexOf(Math.max(...row))];
    assert.ok(p.genres.length >= 1, `text ${i} has a genre`);
    assert.deepEqual([...p.genres].sort(), above.length > 0 ? [...above].sort() : [best]);
    assert.equal(p.genres[0], best, 'best genre first');
    assert.equal(p.top!.length, 2);
    assert.equal(p.top![0].genre, best);
  });
  // A threshold no score reaches still gives each text its best genre; 0 gives all of them.
  for (const p of classifier.decide(scores, { thresholds: 1.01 })) assert.equal(p.genres.length, 1);
  for (const p of classifier.decide(scores, { thresholds: 0 })) assert.equal(p.genres.length, K);

  // Per-genre thresholds are used when the mode says so; without them the global one stands in.
  classifier.thresholds = { global: 0.5, perGenre: [0, 1.01, 1.01], mode: 'perGenre' };
  assert.deepEqual(classifier.activeThresholds(), [0, 1.01, 1.01]);
  for (const p of await classifier.predict(TEXTS)) assert.deepEqual(p.genres, ['Comedies']);
  classifier.thresholds = { global: 0.25, perGenre: null, mode: 'perGenre' };
  assert.equal(classifier.activeThresholds(), 0.25);
  classifier.thresholds = { global: 0.25, perGenre: [0.1, 0.2, 0.3], mode: 'global' };
  assert.equal(classifier.activeThresholds(), 0.25);
  await classifier.dispose();
});

test('with a cache, texts are embedded once across calls; withoutCache shares the network and skips the cache', async () => {
  const fake = new FakeEncoder();
  const cache = await EmbeddingCache.open(root.dir, fake.id, fake.dimension);
  const { encoder, network, classifier } = makeClassifier({ cache });
  const first = await classifier.score(TEXTS);
  assert.equal(encoder.calls.length, 1);
  assert.equal(cache.size, TEXTS.length);
  const again = await classifier.score(TEXTS);
  assert.equal(encoder.calls.length, 1, 'the second call is served from the cache');
  assert.deepEqual(Array.from(again), Array.from(first));

  const uncached = classifier.withoutCache();
  assert.ok(uncached instanceof EncoderHeadClassifier);
  assert.equal(uncached.network, network);
  assert.equal(uncached.encoder, encoder);
  assert.deepEqual([...uncached.genres], GENRES);
  assert.deepEqual(uncached.thresholds, classifier.thresholds);
  assert.deepEqual(Array.from(await uncached.score(TEXTS)), Array.from(first));
  assert.equal(encoder.calls.length, 2, 'without the cache the encoder runs again');
  await classifier.dispose();
});

test('dispose disposes the encoder and the head', async () => {
  const { encoder, network, classifier } = makeClassifier();
  const tensors = tf.memory().numTensors;
  await classifier.dispose();
  assert.equal(encoder.disposed, 1);
  assert.ok(tf.memory().numTensors < tensors, 'the head\'s weights were freed');
  assert.throws(() => network.predict(tf.zeros([1, encoder.dimension])));
});
