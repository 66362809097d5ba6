/**
 * `npm run bench:kernels`: the engine's kernels against what tfjs ships, measured in the same run, as
 * speed-up ratios. Shapes are those of one cnn training batch (64 texts x 26 words).
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/engine/backend.js';
import { originalKernel, registerFastKernels } from '../src/engine/kernels.js';

await useBackend('wasm');
registerFastKernels('cpu'); // keeps the cpu backend's shipped kernels reachable as originals

function time(run: () => tf.TensorInfo | tf.Tensor, repeats = 20): number {
  const dispose = (r: tf.TensorInfo | tf.Tensor) => (r instanceof tf.Tensor ? r.dispose() : tf.backend().disposeData(r.dataId));
  dispose(run());
  const started = performance.now();
  for (let i = 0; i < repeats; i++) {
    const r = run();
    if (r instanceof tf.Tensor) r.dataSync();
    dispose(r);
  }
  return (performance.now() - started) / repeats;
}

const rows: [string, number, number][] = [];
// matMul gradients: the shipped wasm kernel with a transpose flag vs Plotline's explicit transpose.
const a = tf.randomNormal([1664, 320]);
const dy = tf.randomNormal([1664, 64]);
const shippedMatMul = originalKernel('BatchMatMul', 'wasm')!;
const a3 = a.reshape([1, 1664, 320]);
const dy3 = dy.reshape([1, 1664, 64]);
rows.push([
  'BatchMatMul a^T x dy (weight gradient), 1664x320 by 1664x64',
  time(() => shippedMatMul.kernelFunc({ inputs: { a: a3, b: dy3 }, backend: tf.backend(), attrs: { transposeA: true, transposeB: false } }) as tf.TensorInfo),
  time(() => tf.matMul(a, dy, true, false)),
]);
// Embedding gradient: the cpu backend's UnsortedSegmentSum (wasm has none) vs Plotline's, vocabulary 500.
const grads = tf.randomNormal([64 * 26, 64]);
const ids = tf.randomUniform([64 * 26], 0, 500, 'int32') as tf.Tensor1D;
const shippedSegmentSum = originalKernel('UnsortedSegmentSum', 'cpu')!;
await tf.setBackend('cpu');
const gradsCpu = tf.tensor(grads.dataSync(), grads.shape);
const idsCpu = tf.tensor(ids.dataSync(), ids.shape, 'int32');
const cpuReference = time(() => shippedSegmentSum.kernelFunc({ inputs: { x: gradsCpu, segmentIds: idsCpu }, backend: tf.backend(), attrs: { numSegments: 500 } }) as tf.TensorInfo, 2);
await tf.setBackend('wasm');
rows.push(['UnsortedSegmentSum (Embedding gradient), 1664 rows, vocabulary 500: cpu backend\'s vs ours on wasm', cpuReference, time(() => tf.unsortedSegmentSum(grads, ids, 500))]);

console.log('| kernel | shipped ms | Plotline ms | speed-up |');
console.log('|---|---:|---:|---:|');
for (const [name, shipped, ours] of rows) console.log(`| ${name} | ${shipped.toFixed(2)} | ${ours.toFixed(2)} | ${(shipped / ours).toFixed(1)}x |`);
