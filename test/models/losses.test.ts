import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/engine/backend.js';
import { binaryCrossEntropy, macroDoubleSoftF1, macroSoftF1, positiveWeightsFrom, lossFunction } from '../../src/models/losses.js';

before(async () => {
  await useBackend('wasm');
});

function close(actual: number, expected: number, tolerance = 1e-5, label = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * (1 + Math.abs(expected)), `${label} ${actual} vs ${expected}`);
}

function value(t: tf.Tensor): number {
  assert.equal(t.size, 1, 'the loss is a scalar');
  return t.dataSync()[0];
}

// Two items, two genres: item 0 is genre 0 only, item 1 genre 1 only.
const Y_TRUE = [[1, 0], [0, 1]];
const Y_PRED = [[0.8, 0.3], [0.4, 0.9]];
const yTrue = () => tf.tensor2d(Y_TRUE);
const yPred = () => tf.tensor2d(Y_PRED);

test('binaryCrossEntropy without weights: mean of -[y ln p + (1-y) ln(1-p)] over all cells', () => {
  // cells: (0,0) y=1 p=.8 -> -ln .8;  (0,1) y=0 p=.3 -> -ln .7;  (1,0) y=0 p=.4 -> -ln .6;  (1,1) y=1 p=.9 -> -ln .9
  const expected = -(Math.log(0.8) + Math.log(0.7) + Math.log(0.6) + Math.log(0.9)) / 4;
  close(value(binaryCrossEntropy(null)(yTrue(), yPred())), expected);
});

test('binaryCrossEntropy with positive weights scales each genre\'s positive term only', () => {
  const weights = Float32Array.from([2, 3]);
  // The positive cells are (0,0) of genre 0 (weight 2) and (1,1) of genre 1 (weight 3).
  const expected = -(2 * Math.log(0.8) + Math.log(0.7) + Math.log(0.6) + 3 * Math.log(0.9)) / 4;
  close(value(binaryCrossEntropy(weights)(yTrue(), yPred())), expected);

  // No positives at all: the weights change nothing.
  const negatives = tf.zeros([2, 2]);
  close(value(binaryCrossEntropy(weights)(negatives, yPred())), value(binaryCrossEntropy(null)(negatives, yPred())), 1e-6, 'all-negative');

  // All positives: every cell scaled by its genre's weight.
  const positives = tf.ones([2, 2]);
  const expectedAllPositive = -(2 * Math.log(0.8) + 3 * Math.log(0.3) + 2 * Math.log(0.4) + 3 * Math.log(0.9)) / 4;
  close(value(binaryCrossEntropy(weights)(positives, yPred())), expectedAllPositive, 1e-5, 'all-positive');
});

test('binaryCrossEntropy stays finite at probabilities 0 and 1 (clipped at 1e-7)', () => {
  const loss = value(binaryCrossEntropy(null)(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]])));
  assert.ok(Number.isFinite(loss));
  // Both cells cost about -ln(1e-7) = 16.1.
  close(loss, -Math.log(1e-7), 1e-2);
});

test('macroDoubleSoftF1: 1 - mean over genres of the mean of soft F1 on positives and on negatives', () => {
  // positives as in macroSoftF1 below: F1 1.6/2.2 and 1.8/2.2.
  // negatives (y' = 1-y, p' = 1-p): genre 0: tp' = .6, fp' = .2, fn' = .4 -> 1.2/1.8; genre 1: tp' = .7, fp' = .1, fn' = .3 -> 1.4/1.8
  const expected = 1 - ((1.6 / 2.2 + 1.2 / 1.8) / 2 + (1.8 / 2.2 + 1.4 / 1.8) / 2) / 2;
  close(value(macroDoubleSoftF1(yTrue(), yPred())), expected);
  close(value(lossFunction('softf1-double', null)(yTrue(), yPred())), expected, 1e-6, 'via lossFunction');
});

test("macroSoftF1's gradient on a constant output is positive for every genre; the double soft-F1's is not", () => {
  // The cause of bilstm's collapse: while outputs do not depend on the text, soft-F1 raises them all.
  const truth = tf.tensor2d([[1, 0], [0, 0], [0, 1], [0, 0]]);
  for (const p of [0.1, 0.5, 0.9]) {
    const single = tf.grad((q: tf.Tensor) => macroSoftF1(truth, tf.sigmoid(q).tile([4, 1])))(tf.fill([1, 2], Math.log(p / (1 - p))));
    assert.ok(Array.from(single.dataSync()).every((g) => g < 0), `soft-F1 loss falls as every output rises at p=${p}`);
  }
  const double = tf.grad((q: tf.Tensor) => macroDoubleSoftF1(truth, tf.sigmoid(q).tile([4, 1])))(tf.fill([1, 2], Math.log(0.9 / 0.1)));
  assert.ok(Array.from(double.dataSync()).every((g) => g > 0), 'at p=0.9 on rare genres the double soft-F1 pushes outputs down');
});

test('macroSoftF1: 1 - mean over genres of 2tp / (2tp + fn + fp) with probabilities as counts', () => {
  // genre 0: tp = 1*.8 = .8, fp = 1*.4 = .4, fn = 1*(1-.8) = .2 -> F1 = 1.6 / 2.2
  // genre 1: tp = .9,        fp = .3,        fn = .1           -> F1 = 1.8 / 2.2
  const expected = 1 - (1.6 / 2.2 + 1.8 / 2.2) / 2;
  close(value(macroSoftF1(yTrue(), yPred())), expected);
  close(value(lossFunction('softf1', null)(yTrue(), yPred())), expected, 1e-6, 'via lossFunction');
});

test('macroSoftF1 is 0 for perfect predictions and 1 for exactly wrong ones', () => {
  close(value(macroSoftF1(yTrue(), yTrue())), 0, 1e-6);
  close(value(macroSoftF1(yTrue(), tf.tensor2d([[0, 1], [1, 0]]))), 1, 1e-6);
});

test('macroSoftF1 is differentiable: raising a positive cell lowers it, raising a negative cell raises it', () => {
  const grad = tf.grad((p: tf.Tensor) => macroSoftF1(yTrue(), p))(yPred()).arraySync() as number[][];
  assert.ok(grad[0][0] < 0 && grad[1][1] < 0, `positive cells: ${grad}`);
  assert.ok(grad[0][1] > 0 && grad[1][0] > 0, `negative cells: ${grad}`);
});

test('lossFunction("bce") is binary cross-entropy with the given weights', () => {
  const weights = Float32Array.from([2, 3]);
  close(value(lossFunction('bce', weights)(yTrue(), yPred())), value(binaryCrossEntropy(weights)(yTrue(), yPred())), 1e-7);
});

test('positiveWeightsFrom: sqrt(negatives / positives) per genre, capped, 1 positive assumed when none', () => {
  // 4 items x 3 genres. Genre 0: 1 positive (sqrt 3/1); genre 1: 2 (sqrt 2/2 = 1); genre 2: none (sqrt 4/1 = 2).
  const targets = Float32Array.from([
    1, 1, 0,
    0, 1, 0,
    0, 0, 0,
    0, 0, 0,
  ]);
  const weights = positiveWeightsFrom(targets, 3);
  assert.equal(weights.length, 3);
  close(weights[0], Math.sqrt(3), 1e-6);
  close(weights[1], 1, 1e-6);
  close(weights[2], 2, 1e-6);
  // cap
  const capped = positiveWeightsFrom(targets, 3, 1.5);
  assert.deepEqual(Array.from(capped), [1.5, 1, 1.5]);
  // default cap is 10: one positive among 201 items would be sqrt(200) = 14.1
  const rare = new Float32Array(201);
  rare[0] = 1;
  assert.deepEqual(Array.from(positiveWeightsFrom(rare, 1)), [10]);
});
