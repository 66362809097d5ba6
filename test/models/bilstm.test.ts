import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/engine/backend.js';
import { BilstmConfig, buildBilstm } from '../../src/models/bilstm.js';
import { trainClassifier } from '../../src/training/train-classifier.js';
import { macroF1 } from '../../src/evaluation/metrics.js';
import { applyThresholds } from '../../src/models/thresholds.js';
import { createRng } from '../../src/util/random.js';
import { KEYWORD_GENRES, keywordDataset } from '../helpers/keyword-dataset.js';

before(async () => {
  await useBackend('wasm');
});

/** A small bilstm with weights large enough that padding read as input would move every output. */
function scaledBilstm(maskPadding: boolean, pooling: 'last' | 'max' = 'last', extra: Record<string, unknown> = {}): tf.LayersModel {
  const model = buildBilstm(BilstmConfig.parse({ embeddingDim: 4, units: 5, denseUnits: 6, dropout: 0, maskPadding, pooling, ...extra }), 12, 3, 5);
  const rng = createRng(9);
  model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => (rng.next() * 2 - 1) * 0.9), w.shape)));
  return model;
}

function scores(model: tf.LayersModel, rows: number[][]): number[][] {
  return tf.tidy(() => (model.predict(tf.tensor2d(rows, undefined, 'int32')) as tf.Tensor).arraySync() as number[][]);
}

for (const pooling of ['last', 'max'] as const) test(`padding is masked: a text scores the same alone, right-padded, and beside a longer text (both LSTM directions, pooling ${pooling})`, () => {
  const model = scaledBilstm(true, pooling);
  const alone = scores(model, [[3, 7, 2]])[0];
  const padded = scores(model, [[3, 7, 2, 0, 0, 0, 0, 0, 0, 0]])[0];
  const inBatch = scores(model, [[3, 7, 2, 0, 0, 0], [1, 4, 9, 11, 5, 6]])[0];
  for (let j = 0; j < 3; j++) {
    assert.ok(Math.abs(alone[j] - padded[j]) < 1e-6, `genre ${j}: alone ${alone[j]} vs padded ${padded[j]}`);
    assert.ok(Math.abs(alone[j] - inBatch[j]) < 1e-6, `genre ${j}: alone ${alone[j]} vs in a batch ${inBatch[j]}`);
  }
  model.dispose();
});

// One BiLSTM layer, and dropout on the word vectors, keep the mask (the dropout layer passes it on).
for (const [label, extra] of [['one layer, last states', { layers: 1 }], ['one layer, max', { layers: 1, pooling: 'max' }], ['embedding dropout', { embeddingDropout: 0.5, pooling: 'max' }]] as const) test(`padding is masked with ${label}`, () => {
  const model = scaledBilstm(true, 'last', extra);
  const alone = scores(model, [[3, 7, 2]])[0];
  const inBatch = scores(model, [[3, 7, 2, 0, 0, 0], [1, 4, 9, 11, 5, 6]])[0];
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(alone[j] - inBatch[j]) < 1e-6, `genre ${j}: alone ${alone[j]} vs in a batch ${inBatch[j]}`);
  model.dispose();
});

test('layers: 1 has one BiLSTM and the parameters of one; the reference keeps two and no embedding dropout', () => {
  const reference = buildBilstm(BilstmConfig.parse({}), 853, 42, 1);
  const names = (m: tf.LayersModel) => m.layers.map((l) => l.name).filter((n) => n.startsWith('bilstm_') || n === 'embedding_dropout');
  assert.deepEqual(names(reference), ['bilstm_1', 'bilstm_2']);
  const one = buildBilstm(BilstmConfig.parse({ layers: 1 }), 853, 42, 1);
  assert.deepEqual(names(one), ['bilstm_1']);
  // Without the second BiLSTM(32) over 64 inputs: 2 x 4 x (32 x (64 + 32) + 32) = 24,832 fewer.
  assert.equal(reference.countParams() - one.countParams(), 24832);
  assert.throws(() => BilstmConfig.parse({ layers: 3 }));
  reference.dispose();
  one.dispose();
});

test('embedding dropout drops word-vector values in training only, with fresh seeded masks per call', () => {
  const build = () => buildBilstm(BilstmConfig.parse({ embeddingDim: 4, units: 5, denseUnits: 6, dropout: 0, pooling: 'max', embeddingDropout: 0.5 }), 12, 3, 5);
  const [a, b] = [build(), build()];
  assert.ok(a.layers.some((l) => l.name === 'embedding_dropout'));
  const ids = tf.tensor2d([[3, 7, 2, 5], [1, 4, 9, 11]], undefined, 'int32');
  const run = (m: tf.LayersModel, training: boolean) => tf.tidy(() => Array.from((m.apply(ids, { training }) as tf.Tensor).dataSync()));
  const inference = run(a, false);
  const first = run(a, true);
  const second = run(a, true);
  const differs = (x: number[], y: number[]) => Math.max(...x.map((v, i) => Math.abs(v - y[i]))) > 1e-6;
  assert.ok(differs(first, inference), 'training output equals inference: nothing dropped');
  assert.ok(differs(first, second), 'two training calls drew the same mask');
  assert.deepEqual(run(b, true), first, 'the same seed must give the same first mask');
  assert.deepEqual(run(b, false), inference);
  ids.dispose();
  a.dispose();
  b.dispose();
});

test('max pooling reads every step: changing a middle word moves the score', () => {
  const model = scaledBilstm(true, 'max');
  const [a, b] = scores(model, [[3, 7, 2, 5], [3, 9, 2, 5]]);
  assert.ok(Math.max(...a.map((v, j) => Math.abs(v - b[j]))) > 1e-4, `scores ${a} and ${b}`);
  model.dispose();
});

test('without masking (maskPadding: false) the backward LSTM reads the padding first and the score moves', () => {
  const model = scaledBilstm(false);
  const alone = scores(model, [[3, 7, 2]])[0];
  const padded = scores(model, [[3, 7, 2, 0, 0, 0, 0, 0, 0, 0]])[0];
  const largest = Math.max(...alone.map((a, j) => Math.abs(a - padded[j])));
  assert.ok(largest > 1e-3, `padding changed the scores by only ${largest}`);
  model.dispose();
});

async function macroF1OnKeywords(options: { loss?: 'bce' | 'softf1'; config?: Record<string, unknown> }): Promise<{ learned: number; constant: number }> {
  const train = keywordDataset(240, 41);
  const validation = keywordDataset(60, 42);
  const test = keywordDataset(120, 43);
  const k = KEYWORD_GENRES.length;
  const trained = await trainClassifier(KEYWORD_GENRES, train, validation, { kind: 'bilstm', config: { minCount: 1, ...options.config }, loss: options.loss, seed: 42, epochs: 12, patience: 12 });
  const learned = macroF1(test.targets, applyThresholds(await trained.classifier.score(test.texts), k, 0.5), k);
  await trained.classifier.dispose();
  // The best constant answer for F1: every genre for every text (F1 = 2q / (1 + q) per genre).
  const constant = macroF1(test.targets, applyThresholds(new Float32Array(test.targets.length).fill(1), k, 0.5), k);
  return { learned, constant };
}

test('bilstm (the write-up network) on binary cross-entropy learns a keyword case far beyond a constant predictor', async () => {
  const { learned, constant } = await macroF1OnKeywords({ loss: 'bce' });
  assert.ok(learned > constant + 0.3, `bilstm macro-F1 at 0.5 ${learned.toFixed(3)} vs every-genre constant ${constant.toFixed(3)}`);
});

test('bilstm on macro soft-F1 beats a constant predictor once its embedding starts wide enough (embeddingInit 1)', async () => {
  const { learned, constant } = await macroF1OnKeywords({ loss: 'softf1', config: { embeddingInit: 1 } });
  assert.ok(learned > constant + 0.1, `bilstm macro-F1 at 0.5 ${learned.toFixed(3)} vs every-genre constant ${constant.toFixed(3)}`);
});
