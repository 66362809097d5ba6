import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/engine/backend.js';
import { MaskedMaxPool } from '../../src/models/layers/masked-max-pool.js';
import { ConvPool } from '../../src/models/layers/conv-pool.js';
import { WeightedMean } from '../../src/models/layers/weighted-mean.js';
import { SeededDropout } from '../../src/models/layers/seeded-dropout.js';
import { createRng } from '../../src/util/random.js';

before(async () => {
  await useBackend('wasm');
});

function randomArray(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => offset + (rng.next() * 2 - 1) * scale);
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5, label = ''): void {
  assert.equal(actual.length, expected.length, `${label} length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance * (1 + Math.abs(expected[i])),
      `${label} index ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// ConvPool
// ---------------------------------------------------------------------------------------------

const BATCH = 3;
const TIME = 7;
const DIM = 5;
const FILTERS = 4;
const WIDTHS = [2, 3];
// Right-padded ids (0 = padding): lengths 7, 4 and 2 (the last shorter than the widest window).
const IDS = [
  [5, 3, 8, 2, 9, 4, 7],
  [6, 1, 3, 2, 0, 0, 0],
  [4, 9, 0, 0, 0, 0, 0],
];

/**
 * A ConvPool with random kernels (its own glorot init) and biases set to `biasOffset` +- 0.1, so
 * the bias is exercised; with a clearly positive offset every real position is post-ReLU positive
 * and the maximum over time has no ties.
 */
function makeConvPool(seed: number, biasOffset: number): ConvPool {
  const layer = new ConvPool({ widths: WIDTHS, filters: FILTERS, seed });
  layer.build([[null, null, DIM], [null, null]]);
  const weights = layer.getWeights();
  // addWeight order: every kernel (sorted widths), then every bias.
  assert.equal(weights.length, 2 * WIDTHS.length);
  const biases = WIDTHS.map((_, i) => tf.tensor1d(randomArray(FILTERS, 100 + i, 0.1, biasOffset)));
  layer.setWeights([...weights.slice(0, WIDTHS.length), ...biases]);
  return layer;
}

/**
 * The same computation with plain tfjs ops: mask the embedding, right-pad it with width-1 zeros,
 * conv1d 'valid' (so one output per time step), add bias, relu, zero padded positions, tf.max over time.
 */
function referenceConvPool(layer: ConvPool, embedded: tf.Tensor3D, ids: tf.Tensor2D): tf.Tensor2D {
  const weights = layer.getWeights();
  const mask = ids.notEqual(0).cast('float32').expandDims(2) as tf.Tensor3D;
  const masked = embedded.mul(mask) as tf.Tensor3D;
  const pooled = WIDTHS.map((width, i) => {
    const kernel = weights[i].reshape([width, DIM, FILTERS]) as tf.Tensor3D;
    const bias = weights[WIDTHS.length + i];
    const padded = masked.pad([[0, 0], [0, width - 1], [0, 0]]) as tf.Tensor3D;
    const conv = tf.conv1d(padded, kernel, 1, 'valid');
    assert.deepEqual(conv.shape, [embedded.shape[0], embedded.shape[1], FILTERS]);
    return tf.relu(conv.add(bias)).mul(mask).max(1);
  });
  return tf.concat(pooled, 1) as tf.Tensor2D;
}

function inputs(seed: number): { embedded: tf.Tensor3D; ids: tf.Tensor2D } {
  return {
    // Padded positions hold non-zero embeddings too (as an Embedding's row 0 would): the layer must mask them.
    embedded: tf.tensor3d(randomArray(BATCH * TIME * DIM, seed), [BATCH, TIME, DIM]),
    ids: tf.tensor2d(IDS, [BATCH, TIME], 'int32'),
  };
}

test('ConvPool equals masked conv1d + relu + max over time computed with plain tfjs ops', () => {
  for (const biasOffset of [0, 0.5]) {
    const layer = makeConvPool(11, biasOffset);
    const { embedded, ids } = inputs(1);
    const ours = layer.apply([embedded, ids]) as tf.Tensor;
    assert.deepEqual(ours.shape, [BATCH, WIDTHS.length * FILTERS]);
    const reference = referenceConvPool(layer, embedded, ids);
    assertClose(ours.dataSync(), reference.dataSync(), 1e-5, `bias ${biasOffset}`);
    // Post-ReLU and masked: never negative.
    assert.ok(Array.from(ours.dataSync()).every((v) => v >= 0));
  }
});

test('ConvPool ignores what the padded positions hold', () => {
  const layer = makeConvPool(12, 0);
  const { embedded, ids } = inputs(2);
  const noise = tf.tensor3d(randomArray(BATCH * TIME * DIM, 3, 10), [BATCH, TIME, DIM]);
  const padMask = ids.equal(0).cast('float32').expandDims(2);
  const scrambled = embedded.add(noise.mul(padMask)) as tf.Tensor3D;
  const a = (layer.apply([embedded, ids]) as tf.Tensor).dataSync();
  const b = (layer.apply([scrambled, ids]) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
});

test("ConvPool's custom max-over-time gradient equals tf.max's when there are no ties", () => {
  // Positive biases: every real position is post-ReLU positive, so the per-filter maximum is unique.
  const layer = makeConvPool(13, 0.5);
  const { embedded, ids } = inputs(4);
  const upstream = tf.tensor2d(randomArray(BATCH * WIDTHS.length * FILTERS, 5), [BATCH, WIDTHS.length * FILTERS]);
  const kernelVars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  assert.equal(kernelVars.length, 2 * WIDTHS.length);

  // Gradient with respect to the input embedding.
  const ourInputGrad = tf.grad((x: tf.Tensor) => (layer.apply([x as tf.Tensor3D, ids]) as tf.Tensor).mul(upstream).sum())(embedded);
  const refInputGrad = tf.grad((x: tf.Tensor) => referenceConvPool(layer, x as tf.Tensor3D, ids).mul(upstream).sum())(embedded);
  assertClose(ourInputGrad.dataSync(), refInputGrad.dataSync(), 1e-4, 'd/d embedded');
  // Not a vacuous comparison: real positions get gradient, padded ones none.
  const grad = ourInputGrad.arraySync() as number[][][];
  assert.ok(grad[0].flat().some((v) => Math.abs(v) > 1e-4));
  for (let b = 0; b < BATCH; b++) {
    for (let t = 0; t < TIME; t++) if (IDS[b][t] === 0) assert.ok(grad[b][t].every((v) => v === 0), `padded (${b}, ${t}) gets no gradient`);
  }

  // Gradient with respect to the kernels and biases.
  const ours = tf.variableGrads(() => (layer.apply([embedded, ids]) as tf.Tensor).mul(upstream).sum() as tf.Scalar, kernelVars);
  const ref = tf.variableGrads(() => referenceConvPool(layer, embedded, ids).mul(upstream).sum() as tf.Scalar, kernelVars);
  for (const v of kernelVars) {
    const g = ours.grads[v.name];
    assert.ok(g !== undefined, `gradient for ${v.name}`);
    assertClose(g.dataSync(), ref.grads[v.name].dataSync(), 1e-4, v.name);
    assert.ok(Array.from(g.dataSync()).some((x) => Math.abs(x) > 1e-4), `${v.name} gradient is non-zero`);
  }
});

test("ConvPool: a row's output is identical whether its batch is padded to its own length or longer", () => {
  const vocab = 12;
  const table = tf.tensor2d(randomArray(vocab * DIM, 6), [vocab, DIM]); // row 0 (padding) is non-zero
  const other = [2, 5, 8, 6, 11, 10, 3, 2, 9];
  const padTo = (ids: number[], width: number) => [...ids, ...new Array<number>(width - ids.length).fill(0)];
  const run = (layer: ConvPool, idRows: number[][]) => {
    const ids = tf.tensor2d(idRows, undefined, 'int32');
    return layer.apply([tf.gather(table, ids) as unknown as tf.Tensor3D, ids]) as tf.Tensor2D;
  };
  // With positive biases a padded position would output relu(bias) > 0 if it were not masked out.
  for (const biasOffset of [0, 0.5]) {
    const layer = makeConvPool(14, biasOffset);
    for (const row of [[3, 7, 1, 9, 4], [5, 10]]) {
      const alone = run(layer, [row]).dataSync();
      for (const width of [row.length + 1, other.length, row.length + 12]) {
        // The row is second in a batch with a longer text, padded to `width` columns.
        const cols = Math.max(width, other.length);
        const out = run(layer, [padTo(other, cols), padTo(row, cols)]);
        const b = out.slice([1, 0], [1, out.shape[1]]).dataSync();
        assert.deepEqual(Array.from(b), Array.from(alone), `row ${row} padded to ${cols}, bias ${biasOffset}`);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// WeightedMean
// ---------------------------------------------------------------------------------------------

// Two texts: the first has weights 1, 2 and a padded slot (weight 0); the second has weights 3, 4.
const WM_EMBEDDED = [
  [[1, 2], [3, 4], [100, -100]],
  [[2, 0], [0, 1], [-7, 7]],
];
const WM_WEIGHTS = [[[1], [2], [0]], [[3], [4], [0]]];

test("WeightedMean 'sum': weighted average over the weights' sum, padding ignored", () => {
  const layer = new WeightedMean({ normalisation: 'sum' });
  const out = layer.apply([tf.tensor3d(WM_EMBEDDED), tf.tensor3d(WM_WEIGHTS)]) as tf.Tensor;
  assert.deepEqual(out.shape, [2, 2]);
  // Row 0: (1*[1,2] + 2*[3,4]) / (1+2) = [7, 10] / 3.  Row 1: (3*[2,0] + 4*[0,1]) / 7 = [6, 4] / 7.
  assertClose(out.dataSync(), [7 / 3, 10 / 3, 6 / 7, 4 / 7], 1e-6);
});

test("WeightedMean 'l2': weighted sum over the L2 norm of the weights", () => {
  const layer = new WeightedMean({ normalisation: 'l2' });
  const out = layer.apply([tf.tensor3d(WM_EMBEDDED), tf.tensor3d(WM_WEIGHTS)]) as tf.Tensor;
  // Row 0: [7, 10] / sqrt(1 + 4).  Row 1: [6, 4] / sqrt(9 + 16) = [6, 4] / 5.
  assertClose(out.dataSync(), [7 / Math.sqrt(5), 10 / Math.sqrt(5), 6 / 5, 4 / 5], 1e-6);
});

test('WeightedMean of a text with no weight is 0, not NaN', () => {
  for (const normalisation of ['sum', 'l2'] as const) {
    const layer = new WeightedMean({ normalisation });
    const out = layer.apply([tf.tensor3d([[[1, 2], [3, 4]]]), tf.tensor3d([[[0], [0]]])]) as tf.Tensor;
    assert.deepEqual(Array.from(out.dataSync()), [0, 0]);
  }
});

// ---------------------------------------------------------------------------------------------
// SeededDropout
// ---------------------------------------------------------------------------------------------

const RATE = 0.25;
const SHAPE: [number, number] = [20, 50];

function dropoutInput(): tf.Tensor2D {
  return tf.tensor2d(randomArray(SHAPE[0] * SHAPE[1], 7, 1, 2), SHAPE); // values in [1, 3]: never 0
}

/** Which cells were kept (1) or dropped (0). */
function maskOf(output: tf.Tensor): number[] {
  return Array.from(output.dataSync(), (v) => (v === 0 ? 0 : 1));
}

test('SeededDropout is the identity when not training', () => {
  const layer = new SeededDropout({ rate: RATE, seed: 1 });
  const x = dropoutInput();
  for (const kwargs of [undefined, {}, { training: false }]) {
    const out = layer.apply(x, kwargs) as tf.Tensor;
    assert.deepEqual(Array.from(out.dataSync()), Array.from(x.dataSync()));
  }
});

test('SeededDropout when training: kept values scaled by 1/(1-rate), dropped ones 0, about rate of them', () => {
  const layer = new SeededDropout({ rate: RATE, seed: 2 });
  const x = dropoutInput();
  const input = x.dataSync();
  const out = (layer.apply(x, { training: true }) as tf.Tensor).dataSync();
  let dropped = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) dropped++;
    else assert.ok(Math.abs(out[i] - input[i] / (1 - RATE)) <= 1e-6 * Math.abs(out[i]), `cell ${i}: ${out[i]} vs ${input[i]} / ${1 - RATE}`);
  }
  const fraction = dropped / out.length;
  assert.ok(fraction > 0.2 && fraction < 0.3, `dropped ${fraction}, expected about ${RATE}`);
});

test('SeededDropout draws a fresh mask each call, and the same sequence of masks from the same seed', () => {
  const x = dropoutInput();
  const sequence = (seed: number) => {
    const layer = new SeededDropout({ rate: RATE, seed });
    return [0, 1, 2].map(() => maskOf(layer.apply(x, { training: true }) as tf.Tensor));
  };
  const first = sequence(3);
  assert.notDeepEqual(first[0], first[1]);
  assert.notDeepEqual(first[1], first[2]);
  assert.deepEqual(sequence(3), first);
  assert.notDeepEqual(sequence(4)[0], first[0]);
});

test('MaskedMaxPool: max over the real steps only, whatever the padded steps hold; a text with no word pools to 0', () => {
  const pool = new MaskedMaxPool();
  // Row 0: two real steps then padding holding large values; row 1: no real step.
  const sequence = tf.tensor3d([[[0.1, -0.5], [-0.2, -0.3], [0.9, 0.9]], [[0.7, 0.7], [0.8, 0.8], [0.9, 0.9]]]);
  const ids = tf.tensor2d([[4, 2, 0], [0, 0, 0]], undefined, 'int32');
  const out = pool.apply([sequence, ids]) as tf.Tensor;
  const values = out.arraySync() as number[][];
  assert.deepEqual(out.shape, [2, 2]);
  assert.ok(Math.abs(values[0][0] - 0.1) < 1e-6 && Math.abs(values[0][1] + 0.3) < 1e-6, `row 0 pooled to ${values[0]}`);
  assert.ok(values[1].every((v) => v === 0), `an empty text pooled to ${values[1]}`);
  tf.dispose([sequence, ids, out]);
});

test("MaskedMaxPool: the gradient reaches only each feature's maximal real step", () => {
  const pool = new MaskedMaxPool();
  const ids = tf.tensor2d([[4, 2, 0]], undefined, 'int32');
  const grad = tf.grad((x: tf.Tensor) => (pool.apply([x, ids]) as tf.Tensor).sum())(tf.tensor3d([[[0.1, -0.5], [-0.2, -0.3], [0.9, 0.9]]]));
  assert.deepEqual(grad.arraySync(), [[[1, 0], [0, 1], [0, 0]]]);
  tf.dispose([ids, grad]);
});
