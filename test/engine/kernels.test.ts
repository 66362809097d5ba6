import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerFastKernels, originalKernel } from '../../src/engine/kernels.js';
import { createRng } from '../../src/util/random.js';

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerFastKernels('wasm');
  registerFastKernels('cpu');
});

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** Runs the cpu backend's shipped kernel directly: the reference the fast kernels must equal. */
async function runOriginalOnCpu(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: object): Promise<Float32Array> {
  const kernel = originalKernel(kernelName, 'cpu');
  assert.ok(kernel, `tfjs's cpu backend ships ${kernelName}`);
  await tf.setBackend('cpu');
  try {
    const cpuInputs = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, tf.tensor(t.dataSync(), t.shape, t.dtype)]));
    const info = kernel.kernelFunc({ inputs: cpuInputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    return Float32Array.from(tf.backend().readSync(info.dataId) as Float32Array);
  } finally {
    await tf.setBackend('wasm');
  }
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * (1 + Math.abs(expected[i])), `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test('wasm lacks the two training kernels until Plotline registers them', () => {
  assert.equal(originalKernel('UnsortedSegmentSum', 'wasm'), undefined);
  assert.equal(originalKernel('Conv2DBackpropFilter', 'wasm'), undefined);
  assert.ok(tf.getKernel('UnsortedSegmentSum', 'wasm'));
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'));
});

test('UnsortedSegmentSum equals the cpu reference, repeated and out-of-range ids included', async () => {
  const ids = [3, 0, 3, 7, 1, 3, -1, 9];
  const data = tf.tensor2d(randomArray(ids.length * 5, 1), [ids.length, 5]);
  const segmentIds = tf.tensor1d(ids, 'int32');
  const ours = tf.unsortedSegmentSum(data, segmentIds, 8);
  const reference = await runOriginalOnCpu('UnsortedSegmentSum', { x: data, segmentIds }, { numSegments: 8 });
  assert.deepEqual(ours.shape, [8, 5]);
  assertClose(ours.dataSync() as Float32Array, reference);
});

test('the Embedding gradient (gather backward) runs on wasm and equals the cpu reference', async () => {
  const table = tf.variable(tf.tensor2d(randomArray(20 * 4, 2), [20, 4]));
  const idx = tf.tensor2d([[1, 2, 2, 0], [19, 1, 0, 0]], [2, 4], 'int32');
  const gradOf = () => tf.grad((t: tf.Tensor) => tf.gather(t, idx).square().sum())(table);
  const wasmGrad = gradOf().dataSync() as Float32Array;
  await tf.setBackend('cpu');
  const cpuGrad = Float32Array.from(gradOf().dataSync() as Float32Array);
  await tf.setBackend('wasm');
  assertClose(wasmGrad, cpuGrad);
});

for (const [label, pad, stride, dilation] of [
  ['valid padding', 'valid', 1, 1],
  ['same padding', 'same', 1, 1],
  ['stride 2', 'valid', 2, 1],
  ['stride 2, same padding', 'same', 2, 1],
] as const) {
  test(`Conv2DBackpropFilter equals the cpu reference (${label})`, async () => {
    const x = tf.tensor4d(randomArray(2 * 1 * 11 * 3, 3), [2, 1, 11, 3]);
    const filterShape: [number, number, number, number] = [1, 3, 3, 4];
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, [1, stride], [1, dilation], pad);
    const dy = tf.tensor4d(randomArray(2 * info.outHeight * info.outWidth * 4, 4), [2, info.outHeight, info.outWidth, 4]);
    const attrs = { strides: [1, stride], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape, dilations: [1, dilation] };
    const kernel = tf.getKernel('Conv2DBackpropFilter', 'wasm')!;
    const outInfo = kernel.kernelFunc({ inputs: { x, dy }, backend: tf.backend(), attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
    const ours = Float32Array.from(tf.backend().readSync(outInfo.dataId) as Float32Array);
    const reference = await runOriginalOnCpu('Conv2DBackpropFilter', { x, dy }, attrs);
    assertClose(ours, reference);
  });
}

test('a Conv1D layer trains on wasm with the same gradient as on cpu', async () => {
  const x = tf.tensor3d(randomArray(3 * 9 * 4, 5), [3, 9, 4]);
  const w = tf.variable(tf.tensor3d(randomArray(3 * 4 * 6, 6), [3, 4, 6]));
  const gradOf = () => tf.grad((k: tf.Tensor) => tf.conv1d(x, k as tf.Tensor3D, 1, 'same').relu().sum())(w);
  const wasmGrad = gradOf().dataSync() as Float32Array;
  await tf.setBackend('cpu');
  const cpuGrad = Float32Array.from(gradOf().dataSync() as Float32Array);
  await tf.setBackend('wasm');
  assertClose(wasmGrad, cpuGrad);
});
