import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/engine/backend.js';
import { trainClassifier, type TrainedClassifier } from '../../src/training/train-classifier.js';
import { fitClassifier } from '../../src/training/trainer.js';
import { KINDS, kindNames, scratchKind } from '../../src/models/kinds.js';
import { GenreClassifier } from '../../src/models/classifier.js';
import { tuneGlobalThreshold } from '../../src/evaluation/thresholds.js';
import { microF1 } from '../../src/evaluation/metrics.js';
import { KEYWORD_GENRES, keywordDataset } from '../helpers/keyword-dataset.js';

before(async () => {
  await useBackend('wasm');
});

// ---------------------------------------------------------------------------------------------
// A learnable synthetic dataset: one keyword per genre, buried in shared filler words.
// ---------------------------------------------------------------------------------------------

const GENRES = KEYWORD_GENRES;
const makeDataset = keywordDataset;

const TRAIN = makeDataset(96, 1);
const VALIDATION = makeDataset(32, 2);

/** Best micro-F1 a model ignoring the text can reach: predict every genre, or only the most frequent. */
function trivialBaseline(truth: Float32Array, k: number): number {
  const n = truth.length / k;
  const all = new Uint8Array(truth.length).fill(1);
  const counts = GENRES.map((_, j) => truth.filter((_, c) => c % k === j).reduce((a, b) => a + b, 0));
  const top = counts.indexOf(Math.max(...counts));
  const one = new Uint8Array(truth.length);
  for (let i = 0; i < n; i++) one[i * k + top] = 1;
  return Math.max(microF1(truth, all, k), microF1(truth, one, k));
}

const SETTINGS: Record<string, { config: Record<string, unknown>; batchSize: number; learningRate: number }> = {
  // Words only: with ~100 texts, word bigrams let bag memorise the training set instead of the keywords.
  bag: { config: { buckets: 1024, embeddingDim: 16, wordNgrams: 1, charNgrams: null, dropout: 0 }, batchSize: 8, learningRate: 0.05 },
  cnn: { config: { embeddingDim: 16, widths: [2, 3], filters: 8, minCount: 1, dropout: 0.2 }, batchSize: 8, learningRate: 0.02 },
};

const runs = new Map<string, Promise<TrainedClassifier>>();
/** Trains once per (kind, seed) and shares the result between tests. */
function train(kind: string, seed: number): Promise<TrainedClassifier> {
  const key = `${kind}/${seed}`;
  let run = runs.get(key);
  if (run === undefined) {
    const s = SETTINGS[kind];
    run = trainClassifier(GENRES, TRAIN, VALIDATION, { kind, seed, epochs: 3, config: s.config, batchSize: s.batchSize, learningRate: s.learningRate });
    runs.set(key, run);
  }
  return run;
}

/** History without wall-clock times. */
function historyOf(result: TrainedClassifier) {
  return result.history.map(({ seconds: _seconds, ...rest }) => rest);
}

test('the synthetic dataset is multi-label and the trivial baseline is well below 1', () => {
  const cardinality = TRAIN.targets.reduce((a, b) => a + b, 0) / TRAIN.texts.length;
  assert.ok(cardinality > 1 && cardinality < 1.5, `labels per text ${cardinality}`);
  const baseline = trivialBaseline(VALIDATION.targets, GENRES.length);
  assert.ok(baseline > 0.3 && baseline < 0.7, `baseline ${baseline}`);
});

for (const kind of ['bag', 'cnn']) {
  test(`${kind}: learns the keywords: validation micro-F1 clearly above the trivial baseline`, async () => {
    const result = await train(kind, 1);
    const baseline = trivialBaseline(VALIDATION.targets, GENRES.length);
    const best = result.history[result.bestEpoch - 1].valMicroF1;
    assert.ok(best >= 0.9 && best >= baseline + 0.3, `${kind}: micro-F1 ${best} vs baseline ${baseline}`);
    // The reported validation numbers are those of the returned scores.
    assert.equal(result.validation.microF1Global, tuneGlobalThreshold(VALIDATION.targets, result.validation.scores, GENRES.length).microF1);
    assert.equal(result.validation.microF1Global, best);
    // And the returned classifier scores validation exactly as reported (the best epoch's weights are in
    // place); the network's own forward pass agrees up to float rounding where a kind predicts through a
    // faster exact equivalent (bag).
    assert.deepEqual(Array.from(await result.classifier.score(VALIDATION.texts)), Array.from(result.validation.scores));
    const encoded = VALIDATION.texts.map((t) => result.classifier.vectorizer.encode(t));
    const viaNetwork = result.classifier.scoreWithNetwork(encoded);
    viaNetwork.forEach((v, i) => assert.ok(Math.abs(v - result.validation.scores[i]) < 1e-5, `score ${i}: ${v} vs ${result.validation.scores[i]}`));
    // Loss went down.
    assert.ok(result.history[result.history.length - 1].loss < result.history[0].loss, `${kind}: loss ${result.history.map((h) => h.loss)}`);
  });

  test(`${kind}: the same seed trains bit-identically; another seed differently`, async () => {
    const first = await train(kind, 1);
    const SETTINGS_KIND = SETTINGS[kind];
    const again = await trainClassifier(GENRES, TRAIN, VALIDATION, {
      kind,
      seed: 1,
      epochs: 3,
      config: SETTINGS_KIND.config,
      batchSize: SETTINGS_KIND.batchSize,
      learningRate: SETTINGS_KIND.learningRate,
    });
    assert.deepEqual(Array.from(again.validation.scores), Array.from(first.validation.scores));
    assert.deepEqual(historyOf(again), historyOf(first));
    assert.equal(again.bestEpoch, first.bestEpoch);
    assert.deepEqual(again.classifier.thresholds, first.classifier.thresholds);
    again.classifier.dispose();

    const other = await train(kind, 2);
    assert.notDeepEqual(Array.from(other.validation.scores), Array.from(first.validation.scores));
    assert.notDeepEqual(historyOf(other).map((h) => h.loss), historyOf(first).map((h) => h.loss));
  });

  test(`${kind}: bestEpoch is the epoch of the best validation micro-F1`, async () => {
    for (const seed of [1, 2]) {
      const result = await train(kind, seed);
      assert.ok(result.history.length >= 1 && result.history.length <= 3);
      assert.deepEqual(result.history.map((h) => h.epoch), result.history.map((_, i) => i + 1));
      const values = result.history.map((h) => h.valMicroF1);
      assert.ok(result.bestEpoch >= 1 && result.bestEpoch <= result.history.length);
      assert.equal(values[result.bestEpoch - 1], Math.max(...values));
      // Ties keep the earlier epoch (only a strictly better epoch replaces the best).
      assert.equal(values.indexOf(Math.max(...values)) + 1, result.bestEpoch);
    }
  });

  test(`${kind}: returned thresholds lie in [0, 1], one per genre`, async () => {
    const { classifier } = await train(kind, 1);
    const { global, perGenre, mode } = classifier.thresholds;
    assert.ok(global >= 0 && global <= 1, `global ${global}`);
    assert.ok(perGenre !== null && perGenre.length === GENRES.length, `perGenre ${perGenre}`);
    for (const t of perGenre) assert.ok(t >= 0 && t <= 1, `per-genre ${t}`);
    assert.ok(mode === 'global' || mode === 'perGenre');
    assert.deepEqual([...classifier.genres], GENRES);
  });
}

test('early stopping restores the best epoch\'s weights after a worse epoch', async () => {
  const kind = KINDS.bag;
  const config = kind.config.parse(SETTINGS.bag.config);
  const encoder = kind.fitVectorizer(TRAIN.texts, config);
  const train = TRAIN.texts.map((t) => encoder.encode(t));
  const validation = VALIDATION.texts.map((t) => encoder.encode(t));
  const network = kind.build(config, encoder, train, GENRES.length, 5);
  const classifier = new GenreClassifier(network, encoder, GENRES, { global: 0.5, perGenre: null, mode: 'global' });
  const k = GENRES.length;
  const seenEpochs: number[] = [];
  const result = await fitClassifier(classifier, { encoded: train, targets: TRAIN.targets }, { encoded: validation, targets: VALIDATION.targets }, {
    epochs: 8,
    batchSize: 8,
    learningRate: 0.05,
    patience: 2,
    monitor: 'micro',
    loss: 'bce',
    positiveWeights: null,
    seed: 5,
    onEpoch: (log) => seenEpochs.push(log.epoch),
    onBatch: ({ epoch, batch, batches }) => {
      // From epoch 2 on, wipe the output layer after the last batch: every score becomes sigmoid(0) = 0.5,
      // so those epochs score no better than the trivial baseline and training must stop and roll back.
      if (epoch >= 2 && batch === batches) {
        const layer = network.getLayer('genres');
        layer.setWeights(layer.getWeights().map((w) => tf.zerosLike(w)));
      }
    },
  });
  const values = result.history.map((h) => h.valMicroF1);
  assert.equal(result.history.length, 3, `patience 2 stops after two epochs without improvement: ${values}`);
  assert.deepEqual(seenEpochs, [1, 2, 3]);
  assert.equal(result.bestEpoch, 1);
  assert.ok(values[1] < values[0] && values[2] < values[0], `${values}`);
  assert.ok(values[0] > trivialBaseline(VALIDATION.targets, k), `epoch 1 learned something: ${values}`);
  assert.equal(values[result.bestEpoch - 1], Math.max(...values));
  // The network holds the best epoch's weights again: it scores validation exactly as that epoch did.
  const restored = classifier.scoreEncoded(validation);
  assert.deepEqual(Array.from(restored), Array.from(result.validationScores));
  assert.equal(tuneGlobalThreshold(VALIDATION.targets, restored, k).microF1, values[result.bestEpoch - 1]);
  assert.ok(new Set(restored).size > 1, 'not the wiped constant 0.5');
  classifier.dispose();
});

test('with monitor "macro", early stopping keeps the epoch of the best validation macro-F1', async () => {
  const s = SETTINGS.cnn;
  const result = await trainClassifier(GENRES, TRAIN, VALIDATION, {
    kind: 'cnn',
    seed: 4,
    epochs: 4,
    patience: 4,
    monitor: 'macro',
    loss: 'softf1',
    config: s.config,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
  });
  assert.equal(result.training.monitor, 'macro');
  const macro = result.history.map((h) => h.valMacroF1);
  assert.equal(result.history.length, 4, 'patience 4 lets all 4 epochs run');
  assert.equal(macro.indexOf(Math.max(...macro)) + 1, result.bestEpoch);
});
