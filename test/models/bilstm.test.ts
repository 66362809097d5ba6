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
function scaledBilstm(maskPadding: boolean, pooling: 'last' | 'max' = 'last'): tf.LayersModel {
  const model = buildBilstm(BilstmConfig.parse({ embeddingDim: 4, units: 5, denseUnits: 6, dropout: 0, maskPadding, pooling }), 12, 3, 5);
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
