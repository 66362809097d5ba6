/**
 * The sparse update for `bag` against the Keras one. From a fresh optimizer, one lazy-Adam step equals
 * one dense-Adam step (rows the batch did not touch have zero gradient and zero moments in both), so
 * the two must give the same loss and the same weights; after that they differ by design, and rows
 * a batch never touches must stay exactly as they were.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/engine/backend.js';
import { KINDS, kindNames, scratchKind } from '../../../src/models/kinds.js';
import { lossFunction } from '../../../src/models/losses.js';
import { kerasStep } from '../../../src/models/steps/keras-step.js';
import { sparseBagStep } from '../../../src/models/bag/sparse-bag-step.js';
import { padSequences } from '../../../src/text/batching.js';
import { TEXTS } from '../fixtures.js';

before(async () => {
  await useBackend('wasm');
});

const kind = KINDS.bag;
// Dropout off: the two paths call the dropout layer differently, and masks are not what is compared.
const config = kind.config.parse({ buckets: 256, embeddingDim: 6, dropout: 0, maxLength: 64 });
const encoder = kind.fitVectorizer(TEXTS, config);
const encoded = TEXTS.map((t) => encoder.encode(t));
const targets = tf.tensor2d([1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1], [6, 3]);
const positiveWeights = Float32Array.from([2, 1, 3]);
const stepOptions = { learningRate: 0.01, loss: lossFunction('bce', positiveWeights), lossName: 'bce' as const, positiveWeights };

function batchOf(indices: number[]) {
  return padSequences(encoded, indices, { minLength: encoder.minLength, maxLength: encoder.maxLength });
}

function weightsOf(network: tf.LayersModel): Float32Array[] {
  return network.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

function assertClose(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

for (const normalisation of ['l2', 'sum'] as const) {
  test(`one sparse step equals one Keras Adam step (${normalisation} normalisation)`, async () => {
    const c = { ...config, normalisation };
    const dense = kind.build(c, encoder, encoded, 3, 11);
    const sparse = kind.build(c, encoder, encoded, 3, 11);
    const batch = batchOf([0, 1, 2, 3, 4, 5]);
    const denseLoss = await kerasStep(dense, stepOptions).trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
    const step = sparseBagStep(sparse, { ...stepOptions, normalisation });
    const sparseLoss = await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
    step.syncNetwork();
    assert.ok(Math.abs(denseLoss - sparseLoss) < 1e-5, `loss ${denseLoss} vs ${sparseLoss}`);
    const [d, s] = [weightsOf(dense), weightsOf(sparse)];
    d.forEach((w, i) => assertClose(s[i], w, `weight ${i}`));
  });
}

/** Rows (of dim values) outside `used` are bit-identical to `initial`; at least one used row changed. */
function assertOnlyUsedRowsChanged(initial: Float32Array, trained: Float32Array, used: ReadonlySet<number>, dim: number): void {
  let changed = 0;
  for (let row = 0; row < initial.length / dim; row++) {
    const same = trained.subarray(row * dim, (row + 1) * dim).every((v, d) => v === initial[row * dim + d]);
    if (!used.has(row)) assert.ok(same, `row ${row} was not in the batch but changed`);
    else if (!same) changed++;
  }
  assert.ok(changed > 0, 'the rows the batch used were updated');
}

test('rows no batch touched keep their initial values; keepBest/restoreBest round-trip', async () => {
  const network = kind.build(config, encoder, encoded, 3, 5);
  const initial = weightsOf(network)[0];
  const step = sparseBagStep(network, { ...stepOptions, normalisation: 'l2' });
  const batch = batchOf([0, 2]);
  const used = new Set(batch.ids);
  for (let i = 0; i < 3; i++) await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets.slice([0, 0], [2, 3]) as tf.Tensor2D);
  step.syncNetwork();
  step.keepBest();
  const trained = weightsOf(network)[0];
  assertOnlyUsedRowsChanged(initial, trained, used, config.embeddingDim);
  await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets.slice([0, 0], [2, 3]) as tf.Tensor2D);
  step.restoreBest();
  weightsOf(network).forEach((w, i) => assert.deepEqual(w, i === 0 ? trained : w));
  assert.deepEqual(weightsOf(network)[0], trained);
  step.dispose();
});

test('with dropout, the same network seed gives bit-identical weights after several steps; another seed does not', async () => {
  const c = kind.config.parse({ buckets: 256, embeddingDim: 6, dropout: 0.5, maxLength: 64 });
  const run = async (seed: number): Promise<Float32Array[]> => {
    const network = kind.build(c, encoder, encoded, 3, seed);
    const step = sparseBagStep(network, { ...stepOptions, normalisation: 'l2' });
    for (const rows of [[0, 1, 2], [3, 4, 5], [0, 2, 4]]) {
      const batch = batchOf(rows);
      const y = tf.gather(targets, rows) as tf.Tensor2D;
      await step.trainOnBatch(batch.ids, batch.rows, batch.cols, y);
      y.dispose();
    }
    step.restoreBest(); // nothing kept: syncs the current weights into the network
    step.dispose();
    const weights = weightsOf(network);
    network.dispose();
    return weights;
  };
  const [first, again, other] = [await run(21), await run(21), await run(22)];
  first.forEach((w, i) => assert.deepEqual(again[i], w, `weight ${i}`));
  assert.notDeepEqual(other[0], first[0]);
});

for (const tableOptimizer of ['sgd', 'rowwise-adagrad'] as const) {
  const options = { ...stepOptions, normalisation: 'l2' as const, tableOptimizer };

  test(`${tableOptimizer} on the table: training lowers the loss on a learnable case; untouched rows stay as they were`, async () => {
    const network = kind.build(config, encoder, encoded, 3, 5);
    const initial = weightsOf(network)[0];
    const step = sparseBagStep(network, { ...options, plannedSteps: 40 });
    const batch = batchOf([0, 1, 2, 3, 4, 5]);
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) losses.push(await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets));
    assert.ok(losses[39] < 0.5 * losses[0], `loss ${losses[0]} -> ${losses[39]}`);
    step.syncNetwork();
    const trained = weightsOf(network)[0];
    const used = new Set(batch.ids);
    assertOnlyUsedRowsChanged(initial, trained, used, config.embeddingDim);
    step.dispose();
  });

  test(`${tableOptimizer} on the table: the same seed gives bit-identical weights, another seed does not; the table differs from Adam's`, async () => {
    const c = kind.config.parse({ buckets: 256, embeddingDim: 6, dropout: 0.5, maxLength: 64 });
    const run = async (seed: number, optimizer: 'adam' | typeof tableOptimizer): Promise<Float32Array[]> => {
      const network = kind.build(c, encoder, encoded, 3, seed);
      const step = sparseBagStep(network, { ...options, tableOptimizer: optimizer, plannedSteps: 3 });
      for (const rows of [[0, 1, 2], [3, 4, 5], [0, 2, 4]]) {
        const batch = batchOf(rows);
        const y = tf.gather(targets, rows) as tf.Tensor2D;
        await step.trainOnBatch(batch.ids, batch.rows, batch.cols, y);
        y.dispose();
      }
      step.restoreBest();
      step.dispose();
      const weights = weightsOf(network);
      network.dispose();
      return weights;
    };
    const [first, again, other, adam] = [await run(21, tableOptimizer), await run(21, tableOptimizer), await run(22, tableOptimizer), await run(21, 'adam')];
    first.forEach((w, i) => assert.deepEqual(again[i], w, `weight ${i}`));
    assert.notDeepEqual(other[0], first[0]);
    assert.notDeepEqual(adam[0], first[0]);
  });
}

test('sgd on the table: one step moves each used row by -rate x the per-text gradient; the rate decays linearly to 0', async () => {
  // Rate r, planned over 2 steps: the first step at r, the second at r / 2 (a 3rd would be at 0).
  const rate = 0.3;
  const c = { ...config, dropout: 0 };
  const network = kind.build(c, encoder, encoded, 3, 9);
  const reference = kind.build(c, encoder, encoded, 3, 9);
  const batch = batchOf([0, 1, 2, 3, 4, 5]);
  const step = sparseBagStep(network, { ...stepOptions, normalisation: 'l2', tableOptimizer: 'sgd', tableLearningRate: rate, plannedSteps: 2 });
  // The gradient of the mean loss with respect to the table, by tfjs's autodiff on the same network.
  const x = tf.tensor2d(batch.ids, [batch.rows, batch.cols], 'int32');
  const table = reference.getLayer('embedding').trainableWeights[0];
  const { grads } = tf.variableGrads(() => stepOptions.loss(targets, reference.apply(x, { training: false }) as tf.Tensor) as tf.Scalar, [table.read() as tf.Variable]);
  const gradient = Object.values(grads)[0].dataSync() as Float32Array;
  const before = weightsOf(network)[0];
  await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
  step.syncNetwork();
  const after = weightsOf(network)[0];
  const count = batch.rows * 3;
  for (let i = 0; i < before.length; i++) {
    const expected = before[i] - rate * count * gradient[i];
    assert.ok(Math.abs(after[i] - expected) < 1e-5, `table[${i}]: ${after[i]} vs ${expected}`);
  }
  // Step 2 at half the rate: the move is half what a fresh step at the full rate would make from here.
  const moved = after.slice();
  const head = network.getLayer('genres').getWeights().map((w) => w.clone());
  await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
  step.syncNetwork();
  const second = weightsOf(network)[0];
  const fresh = kind.build(c, encoder, encoded, 3, 9);
  fresh.getLayer('embedding').setWeights([tf.tensor2d(moved, [moved.length / c.embeddingDim, c.embeddingDim])]);
  fresh.getLayer('genres').setWeights(head);
  const freshStep = sparseBagStep(fresh, { ...stepOptions, normalisation: 'l2', tableOptimizer: 'sgd', tableLearningRate: rate / 2 });
  await freshStep.trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
  freshStep.syncNetwork();
  const expectedSecond = weightsOf(fresh)[0];
  for (let i = 0; i < second.length; i++) assert.ok(Math.abs(second[i] - expectedSecond[i]) < 1e-5, `step 2 table[${i}]: ${second[i]} vs ${expectedSecond[i]}`);
  x.dispose();
  step.dispose();
});

test('with the SIMD kernels (width 32): one step equals one Keras Adam step', async () => {
  const c = { ...config, embeddingDim: 32 };
  const dense = kind.build(c, encoder, encoded, 3, 11);
  const sparse = kind.build(c, encoder, encoded, 3, 11);
  const batch = batchOf([0, 1, 2, 3, 4, 5]);
  const denseLoss = await kerasStep(dense, stepOptions).trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
  const step = sparseBagStep(sparse, { ...stepOptions, normalisation: 'l2', kernels: true });
  const sparseLoss = await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
  step.syncNetwork();
  assert.ok(Math.abs(denseLoss - sparseLoss) < 1e-5, `loss ${denseLoss} vs ${sparseLoss}`);
  const [d, s] = [weightsOf(dense), weightsOf(sparse)];
  d.forEach((w, i) => assertClose(s[i], w, `weight ${i}`));
});

for (const tableOptimizer of ['adam', 'sgd'] as const) {
  test(`${tableOptimizer}: the SIMD kernels and the JavaScript loops train the same model (width 32, dropout, several steps, validation scores)`, async () => {
    const c = kind.config.parse({ buckets: 256, embeddingDim: 32, dropout: 0.5, maxLength: 64 });
    const run = async (kernels: boolean) => {
      const network = kind.build(c, encoder, encoded, 3, 4);
      const step = sparseBagStep(network, { ...stepOptions, normalisation: 'l2', tableOptimizer, plannedSteps: 8, kernels });
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) {
        for (const rows of [[0, 1, 2], [3, 4, 5]]) {
          const batch = batchOf(rows);
          const y = tf.gather(targets, rows) as tf.Tensor2D;
          losses.push(await step.trainOnBatch(batch.ids, batch.rows, batch.cols, y));
          y.dispose();
        }
      }
      const scores = step.scorer()(encoded);
      step.restoreBest();
      step.dispose();
      const weights = weightsOf(network);
      network.dispose();
      return { losses, scores, weights };
    };
    const [simd, js, again] = [await run(true), await run(false), await run(true)];
    simd.weights.forEach((w, i) => assert.deepEqual(again.weights[i], w, `the same seed, bit for bit: weight ${i}`));
    assert.ok(simd.losses[7] < simd.losses[0], `the loss falls: ${simd.losses[0]} -> ${simd.losses[7]}`);
    simd.losses.forEach((l, i) => assert.ok(Math.abs(l - js.losses[i]) < 1e-4, `loss ${i}: ${l} vs ${js.losses[i]}`));
    assertClose(simd.scores, js.scores, 'scores');
    js.weights.forEach((w, i) => assertClose(simd.weights[i], w, `weight ${i}`));
  });
}

test('the network synced from the kernels\' table does not share it: training on changes the step, not the network (wasm and cpu backends)', async () => {
  const c = { ...config, embeddingDim: 32 };
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    try {
      const network = kind.build(c, encoder, encoded, 3, 6);
      const step = sparseBagStep(network, { ...stepOptions, normalisation: 'l2', kernels: true });
      const batch = batchOf([0, 1, 2, 3, 4, 5]);
      await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
      step.syncNetwork();
      const synced = weightsOf(network)[0];
      await step.trainOnBatch(batch.ids, batch.rows, batch.cols, targets);
      assert.deepEqual(weightsOf(network)[0], synced, `${backend}: the network changed without a sync`);
      step.syncNetwork();
      assert.notDeepEqual(weightsOf(network)[0], synced, `${backend}: a sync brings the new table`);
      step.dispose();
      network.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
  }
});
