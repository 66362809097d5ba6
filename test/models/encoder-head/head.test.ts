/**
 * The trainable head of the encoder + head kinds: its shape and parameter count, seeded initial
 * weights, the plain logistic regression `hidden: []` computes, and dropout that acts only in training.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/engine/backend.js';
import { HeadConfig, buildHead } from '../../../src/models/encoder-head/head.js';
import { SeededDropout } from '../../../src/models/layers/seeded-dropout.js';
import { createRng } from '../../../src/util/random.js';

before(async () => {
  await useBackend('wasm');
});

const D = 16;
const K = 3;

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

function weightsOf(network: tf.LayersModel): number[][] {
  return network.getWeights().map((w) => Array.from(w.dataSync()));
}

function predict(network: tf.LayersModel, x: Float32Array, rows: number): Float32Array {
  return tf.tidy(() => (network.predict(tf.tensor2d(x, [rows, D])) as tf.Tensor).dataSync() as Float32Array);
}

const config = (changes: Partial<HeadConfig>): HeadConfig => HeadConfig.parse(changes);

test('HeadConfig defaults: one hidden layer of 1024, dropout 0.5, no L2; unknown keys are refused', () => {
  assert.deepEqual(HeadConfig.parse({}), { hidden: [1024], dropout: 0.5, l2: 0 });
  assert.throws(() => HeadConfig.parse({ hiden: [8] }));
  assert.throws(() => HeadConfig.parse({ hidden: [0] }));
  assert.throws(() => HeadConfig.parse({ dropout: 1 }));
});

test('hidden []: d inputs, k sigmoid outputs, d*k + k parameters, and it is logistic regression', () => {
  const network = buildHead(config({ hidden: [], dropout: 0 }), D, K, 1);
  try {
    assert.deepEqual(network.inputs[0].shape, [null, D]);
    assert.deepEqual(network.outputs[0].shape, [null, K]);
    assert.equal(network.countParams(), D * K + K);
    assert.ok(!network.layers.some((l) => l instanceof SeededDropout), 'no dropout layer when dropout is 0');
    // sigmoid(x W + b), computed by hand.
    const [kernel, bias] = network.getWeights().map((w) => w.dataSync());
    const x = randomArray(2 * D, 5);
    const scores = predict(network, x, 2);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < K; j++) {
        let z = bias[j];
        for (let d = 0; d < D; d++) z += x[i * D + d] * kernel[d * K + j];
        const expected = 1 / (1 + Math.exp(-z));
        assert.ok(Math.abs(scores[i * K + j] - expected) < 1e-5, `row ${i} genre ${j}: ${scores[i * K + j]} vs ${expected}`);
      }
    }
  } finally {
    network.dispose();
  }
});

test('hidden [8, 4]: layer widths and parameter count', () => {
  const network = buildHead(config({ hidden: [8, 4], dropout: 0.25 }), D, K, 1);
  try {
    assert.deepEqual(network.outputs[0].shape, [null, K]);
    const dense = network.layers.filter((l) => l.getClassName() === 'Dense');
    assert.deepEqual(dense.map((l) => (l.outputShape as number[])[1]), [8, 4, K]);
    assert.equal(network.countParams(), D * 8 + 8 + 8 * 4 + 4 + 4 * K + K);
    // Dropout on the input and after each hidden layer.
    assert.equal(network.layers.filter((l) => l instanceof SeededDropout).length, 3);
    const scores = predict(network, randomArray(4 * D, 2), 4);
    assert.equal(scores.length, 4 * K);
    assert.ok(scores.every((s) => s > 0 && s < 1));
  } finally {
    network.dispose();
  }
});

test('the same seed gives the same initial weights; another seed, different ones', () => {
  const c = config({ hidden: [8, 4], dropout: 0.5 });
  const a = buildHead(c, D, K, 7);
  const b = buildHead(c, D, K, 7);
  const other = buildHead(c, D, K, 8);
  try {
    assert.deepEqual(weightsOf(a), weightsOf(b));
    const differs = weightsOf(a).map((w, i) => w.some((v, j) => v !== weightsOf(other)[i][j]));
    // Every kernel differs (biases start at zero in both).
    assert.deepEqual(differs, [true, false, true, false, true, false]);
  } finally {
    a.dispose();
    b.dispose();
    other.dispose();
  }
});

test('dropout acts in training only: predict is repeatable, a training pass differs', () => {
  const network = buildHead(config({ hidden: [8], dropout: 0.5 }), D, K, 3);
  try {
    const x = randomArray(3 * D, 9);
    const first = predict(network, x, 3);
    const second = predict(network, x, 3);
    assert.deepEqual(Array.from(first), Array.from(second));
    const training = tf.tidy(() => (network.apply(tf.tensor2d(x, [3, D]), { training: true }) as tf.Tensor).dataSync() as Float32Array);
    assert.notDeepEqual(Array.from(training), Array.from(first));
    // Without dropout layers the network computes exactly what predict did.
    const inference = tf.tidy(() => (network.apply(tf.tensor2d(x, [3, D]), { training: false }) as tf.Tensor).dataSync() as Float32Array);
    assert.deepEqual(Array.from(inference), Array.from(first));
  } finally {
    network.dispose();
  }
});

test('L2 > 0 penalises every dense kernel by l2 times its sum of squares', () => {
  const network = buildHead(config({ hidden: [4], dropout: 0, l2: 0.01 }), D, K, 1);
  try {
    const dense = network.layers.filter((l) => l.getClassName() === 'Dense');
    assert.equal(dense.length, 2);
    for (const layer of dense) assert.ok((layer.getConfig() as { kernelRegularizer?: unknown }).kernelRegularizer, `${layer.name} has a regulariser`);
    // The penalty trainOnBatch adds: l2 times the sum of squares of each kernel.
    const penalties = tf.tidy(() => network.calculateLosses().map((t) => t.dataSync()[0]));
    const kernels = dense.map((l) => l.getWeights()[0].dataSync() as Float32Array);
    assert.equal(penalties.length, 2);
    penalties.forEach((p, i) => {
      const expected = 0.01 * kernels[i].reduce((sum, w) => sum + w * w, 0);
      assert.ok(expected > 0 && Math.abs(p - expected) < 1e-5 * expected, `layer ${i}: ${p} vs ${expected}`);
    });
  } finally {
    network.dispose();
  }
});
