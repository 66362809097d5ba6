/**
 * Training an encoder + head: with a fake encoder whose vectors carry the keyword dataset's signal the
 * head learns it, seeds make runs repeatable, and the embedding cache spares the encoder on a second
 * run; `trainModel` with kind `use` trains end to end on the real Universal Sentence Encoder.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import { trainEncoderHead, type TrainEncoderHeadOptions, type TrainedEncoderHead } from '../../src/training/train-encoder-head.js';
import { trainModel } from '../../src/training/train-model.js';
import { EncoderHeadClassifier } from '../../src/models/encoder-head/encoder-head-classifier.js';
import { EmbeddingCache } from '../../src/encoders/embedding-cache.js';
import type { EncoderReference, SentenceEncoder } from '../../src/encoders/sentence-encoder.js';
import { USE_DIMENSION } from '../../src/encoders/use/use-files.js';
import { tuneGlobalThreshold } from '../../src/evaluation/thresholds.js';
import { microF1 } from '../../src/evaluation/metrics.js';
import { PlotlineError } from '../../src/util/errors.js';
import { KEYWORDS, KEYWORD_GENRES, keywordDataset } from '../helpers/keyword-dataset.js';
import { fixtureFolder } from '../helpers/files.js';

before(async () => {
  await useBackend('wasm');
});

const GENRES = KEYWORD_GENRES;
const K = GENRES.length;
const TRAIN = keywordDataset(96, 1);
const VALIDATION = keywordDataset(32, 2);
const root = fixtureFolder('train-encoder-head');

/**
 * Vectors that carry the keyword signal: value j (one per genre) is 1 when the text holds keyword j,
 * plus noise; the other values are noise only. Deterministic in the text; counts embed calls.
 */
class KeywordEncoder implements SentenceEncoder {
  readonly id = 'fake:keywords';
  readonly dimension = 12;
  readonly calls: string[][] = [];

  vector(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    let h = 2166136261;
    for (const c of text) h = Math.imul(h ^ c.codePointAt(0)!, 16777619);
    const words = text.split(' ');
    for (let j = 0; j < this.dimension; j++) {
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
      const noise = (h >>> 0) / 2 ** 32 - 0.5;
      v[j] = j < KEYWORDS.length ? (words.includes(KEYWORDS[j]) ? 1 : 0) + 0.4 * noise : 2 * noise;
    }
    return v;
  }

  async embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array> {
    this.calls.push([...texts]);
    const out = new Float32Array(texts.length * this.dimension);
    texts.forEach((t, i) => out.set(this.vector(t), i * this.dimension));
    onProgress?.(texts.length);
    return out;
  }

  get embedded(): number {
    return this.calls.reduce((sum, c) => sum + c.length, 0);
  }

  reference(): EncoderReference {
    return { type: 'use', id: this.id, source: 'fake', dimension: this.dimension, files: [{ path: 'x', sha256: '0'.repeat(64) }] };
  }

  async dispose(): Promise<void> {}
}

/** Best micro-F1 a model ignoring the text can reach: predict every genre, or only the most frequent. */
function trivialBaseline(truth: Float32Array): number {
  const n = truth.length / K;
  const all = new Uint8Array(truth.length).fill(1);
  const counts = GENRES.map((_, j) => truth.filter((_, c) => c % K === j).reduce((a, b) => a + b, 0));
  const top = counts.indexOf(Math.max(...counts));
  const one = new Uint8Array(truth.length);
  for (let i = 0; i < n; i++) one[i * K + top] = 1;
  return Math.max(microF1(truth, all, K), microF1(truth, one, K));
}

const distinct = (texts: readonly string[]): number => new Set(texts).size;
const ALL_DISTINCT = distinct([...TRAIN.texts, ...VALIDATION.texts]);

function train(seed: number, encoder: KeywordEncoder, cache: EmbeddingCache | null = null, extra: Partial<TrainEncoderHeadOptions> = {}): Promise<TrainedEncoderHead> {
  return trainEncoderHead(GENRES, TRAIN, VALIDATION, {
    kind: 'use',
    seed,
    encoder,
    cache,
    config: { hidden: [16], dropout: 0.1 },
    epochs: 12,
    batchSize: 16,
    learningRate: 0.02,
    patience: 12,
    ...extra,
  });
}

const weightsOf = (network: tf.LayersModel): number[][] => network.getWeights().map((w) => Array.from(w.dataSync()));
const historyOf = (r: TrainedEncoderHead) => r.history.map(({ seconds: _seconds, ...rest }) => rest);

let seed1: Promise<TrainedEncoderHead> | null = null;
let seed1Encoder: KeywordEncoder;
function trainSeed1(): Promise<TrainedEncoderHead> {
  seed1Encoder ??= new KeywordEncoder();
  seed1 ??= train(1, seed1Encoder);
  return seed1;
}

test('learns the keyword signal: validation micro-F1 well above the trivial baseline', async () => {
  const result = await trainSeed1();
  const baseline = trivialBaseline(VALIDATION.targets);
  assert.ok(baseline < 0.7, `baseline ${baseline}`);
  const best = result.history[result.bestEpoch - 1].valMicroF1;
  assert.ok(best >= 0.9 && best >= baseline + 0.25, `micro-F1 ${best} vs baseline ${baseline}`);
  assert.equal(result.validation.microF1Global, tuneGlobalThreshold(VALIDATION.targets, result.validation.scores, K).microF1);
  assert.ok(result.history[result.history.length - 1].loss < result.history[0].loss, `loss ${result.history.map((h) => h.loss)}`);

  assert.equal(result.kind, 'use');
  assert.deepEqual(result.config, { hidden: [16], dropout: 0.1, l2: 0 });
  assert.equal(result.training.epochs, 12);
  assert.equal(result.training.seed, 1);
  const classifier = result.classifier;
  assert.ok(classifier instanceof EncoderHeadClassifier);
  assert.equal(classifier.encoder, seed1Encoder);
  assert.deepEqual([...classifier.genres], GENRES);
  // The classifier scores validation as reported: the best epoch's weights are in place.
  assert.deepEqual(Array.from(await classifier.score(VALIDATION.texts)), Array.from(result.validation.scores));
  // Texts were embedded once, in one call, train and validation together.
  assert.equal(seed1Encoder.calls.length, 2, 'one call to train, one to score validation again');
  assert.equal(seed1Encoder.calls[0].length, ALL_DISTINCT);
  assert.deepEqual(result.embedding.cached, 0);
  assert.deepEqual(result.embedding.computed, ALL_DISTINCT);
  // A text it never saw, holding one keyword, goes to that keyword's genre.
  const predictions = await classifier.predict(['the old house murder at night', 'a hilarious school team', 'heartbreaking journey of two friends']);
  assert.deepEqual(predictions.map((p) => p.genres[0]), ['Thrillers', 'Comedies', 'Dramas']);
});

test('the same seed trains identical head weights and scores; another seed differently', async () => {
  const first = await trainSeed1();
  const again = await train(1, new KeywordEncoder());
  assert.deepEqual(weightsOf(again.classifier.network), weightsOf(first.classifier.network));
  assert.deepEqual(Array.from(again.validation.scores), Array.from(first.validation.scores));
  assert.deepEqual(historyOf(again), historyOf(first));
  assert.deepEqual(again.classifier.thresholds, first.classifier.thresholds);
  const other = await train(2, new KeywordEncoder());
  assert.notDeepEqual(weightsOf(other.classifier.network), weightsOf(first.classifier.network));
  assert.notDeepEqual(Array.from(other.validation.scores), Array.from(first.validation.scores));
  await again.classifier.dispose();
  await other.classifier.dispose();
});

test('with an embedding cache the second run embeds nothing, counts the texts as cached, and trains the same', async () => {
  const dir = path.join(root.dir, 'cache');
  const firstEncoder = new KeywordEncoder();
  const progress: [number, number][] = [];
  const first = await train(3, firstEncoder, await EmbeddingCache.open(dir, firstEncoder.id, firstEncoder.dimension), {
    onEmbed: (done, total) => progress.push([done, total]),
  });
  assert.equal(firstEncoder.embedded, ALL_DISTINCT);
  assert.deepEqual(first.embedding, { ...first.embedding, cached: 0, computed: ALL_DISTINCT });
  assert.deepEqual(progress[progress.length - 1], [ALL_DISTINCT, ALL_DISTINCT]);

  // A new process would reopen the cache from disk.
  const secondEncoder = new KeywordEncoder();
  const reopened = await EmbeddingCache.open(dir, secondEncoder.id, secondEncoder.dimension);
  assert.equal(reopened.warning, null);
  assert.equal(reopened.size, ALL_DISTINCT);
  const second = await train(3, secondEncoder, reopened, { onEmbed: () => assert.fail('nothing to embed') });
  assert.equal(secondEncoder.calls.length, 0, 'the encoder was not called');
  assert.equal(second.embedding.cached, ALL_DISTINCT);
  assert.equal(second.embedding.computed, 0);
  assert.deepEqual(Array.from(second.validation.scores), Array.from(first.validation.scores));
  assert.deepEqual(weightsOf(second.classifier.network), weightsOf(first.classifier.network));
  // The trained classifier predicts through the cache too.
  await second.classifier.score(VALIDATION.texts);
  assert.equal(secondEncoder.calls.length, 0);
  await first.classifier.dispose();
  await second.classifier.dispose();
});

test('an unknown kind is refused', async () => {
  await assert.rejects(train(1, new KeywordEncoder(), null, { kind: 'bag' }), /not an encoder \+ head model kind/);
  await assert.rejects(
    trainModel(GENRES, TRAIN, VALIDATION, { kind: 'no-such-kind', seed: 1 }),
    (error: unknown) => error instanceof PlotlineError && /unknown model kind "no-such-kind"/.test(error.message) && /use/.test(error.message),
  );
});

test('trainModel with kind use trains on the real Universal Sentence Encoder end to end', async () => {
  const train40 = keywordDataset(28, 11);
  const validation = keywordDataset(14, 12);
  const cacheDir = path.join(root.dir, 'use-cache');
  const epochs: number[] = [];
  const result = await trainModel(GENRES, train40, validation, {
    kind: 'use',
    seed: 5,
    epochs: 25,
    patience: 25,
    batchSize: 8,
    learningRate: 0.01,
    config: { hidden: [], dropout: 0 },
    encoder: { threads: 1 },
    cacheDir,
    onEpoch: (log) => epochs.push(log.epoch),
  });
  const classifier = result.classifier;
  try {
    assert.ok(classifier instanceof EncoderHeadClassifier);
    assert.equal(classifier.encoder.dimension, USE_DIMENSION);
    assert.match(classifier.encoder.id, /^use-lite:/);
    assert.equal(classifier.network.inputs[0].shape[1], USE_DIMENSION);
    assert.equal(result.kind, 'use');
    assert.equal(result.embedding?.computed, distinct([...train40.texts, ...validation.texts]));
    assert.equal(result.embedding?.cached, 0);
    assert.deepEqual(epochs, result.history.map((h) => h.epoch));
    assert.ok(result.history[result.history.length - 1].loss < result.history[0].loss, `loss ${result.history.map((h) => h.loss)}`);
    const best = result.history[result.bestEpoch - 1].valMicroF1;
    const baseline = trivialBaseline(validation.targets);
    assert.ok(best >= 0.8 && best > baseline + 0.15, `micro-F1 ${best} vs baseline ${baseline}`);
    // Predictions go through the real encoder: the validation rows score as reported.
    const scores = await classifier.score(validation.texts);
    scores.forEach((s, i) => assert.ok(Math.abs(s - result.validation.scores[i]) < 1e-6, `cell ${i}`));
    const cache = await EmbeddingCache.open(cacheDir, classifier.encoder.id, USE_DIMENSION);
    assert.equal(cache.size, result.embedding?.computed, 'the embeddings were saved to the cache');
  } finally {
    await classifier.dispose();
  }
});
