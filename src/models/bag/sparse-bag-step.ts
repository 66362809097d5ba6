/**
 * The fast update for the `bag` model: the whole step (embedding bag, dropout, sigmoid layer, weighted
 * binary cross-entropy, Adam) in plain JavaScript over flat typed arrays, with sparse embedding
 * gradients and lazy Adam.
 *
 * A batch touches a few thousand of the embedding table's rows (65,536+ buckets), but tfjs computes a
 * dense gradient for the whole table and Adam then updates every row: most of the work, every step,
 * for rows the batch never saw. Here only the rows the batch used get a gradient, each updated by Adam
 * with its own moments ("lazy Adam", as in TensorFlow Addons' LazyAdam and PyTorch's SparseAdam: rows
 * absent from a batch keep their moments), or, with `tableOptimizer`, by plain SGD at fastText's
 * linearly decaying rate or by row-wise Adagrad (the head keeps Adam). The pooling and the table's row
 * updates run in WebAssembly SIMD kernels (bag-kernels.ts) when the width allows. The head (dropout,
 * then one Dense layer of sigmoids) is a few dozen columns wide, so it runs in JavaScript: no tensor
 * crosses into tfjs per batch, and the table is copied into the network only when asked, not before
 * every validation.
 *
 * The arithmetic is the network's: the same forward pass, the loss of `binaryCrossEntropy` (mean over
 * rows and genres, positives weighted, probabilities clipped to [1e-7, 1 - 1e-7]) and tfjs's Adam (bias
 * correction with the global step, epsilon added to the corrected second moment's root), so one step
 * from fresh moments equals one Keras step (tested). Dropout masks come from the network's dropout
 * layer seed through `createRng`, so the same seed gives the same weights, byte for byte.
 *
 * The network is synced only when asked (`syncNetwork`, `restoreBest`); validation between epochs uses
 * `scorer()`, which reads the arrays directly.
 */
import * as tf from '@tensorflow/tfjs';
import { IDF_LAYER } from './bag.js';
import { createRng } from '../../util/random.js';
import type { EncodedScorer } from './linear-bag-scorer.js';
import { BagKernels, KERNEL_WIDTH } from './bag-kernels.js';
import type { StepOptions, TrainingStep } from '../steps/training-step.js';
import type { TableOptimizer } from './bag-config.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7; // tfjs's Adam default for float32
const CLIP = 1e-7; // binaryCrossEntropy's clipping of probabilities

// The optimizers' names live in bag-config.ts with the other settings (no tfjs there).
export { TABLE_OPTIMIZERS, type TableOptimizer } from './bag-config.js';
/** The table's default rate per optimizer, chosen on the standard split's validation slice (README, Benchmark). */
export const DEFAULT_TABLE_RATES: Record<Exclude<TableOptimizer, 'adam'>, number> = { sgd: 0.2, 'rowwise-adagrad': 0.015 };

export interface SparseBagStepOptions extends StepOptions {
  normalisation: 'sum' | 'l2';
  /**
   * `adam` (default): lazy Adam at `learningRate`, as the head. `sgd`: fastText's recipe for its input
   * matrix (fastText.cc, `FastText::update` / `Model::update`): plain SGD on the rows a batch used, at
   * `tableLearningRate` decaying linearly to 0 over `plannedSteps` (constant when that is not given).
   * `rowwise-adagrad`: Adagrad with one accumulator per row (FBGEMM's / TorchRec's `rowwise_adagrad`
   * for embedding tables) at a constant `tableLearningRate`. Both cost one multiply-add per value of a
   * row update instead of Adam's moments, square root and division, and need no moment arrays (2 x
   * the table); see README's Benchmark section for what they cost in quality.
   */
  tableOptimizer?: TableOptimizer;
  /**
   * The rate of `sgd` (at the first step) or `rowwise-adagrad`, applied to each text's gradient of its
   * loss summed over genres (as fastText's one-vs-all loss is per example, so the rate does not depend
   * on batch size or genre count). Default DEFAULT_TABLE_RATES; unused by `adam`.
   */
  tableLearningRate?: number;
  /**
   * Pool and update the table with the WebAssembly SIMD kernels (bag-kernels.wat) when the embedding
   * width is a multiple of 16 and the table (with Adam's moments) takes at most 2 GiB (default true);
   * false keeps the JavaScript loops (float64 sums).
   * Row-wise Adagrad always runs in JavaScript.
   */
  kernels?: boolean;
}

/**
 * A training step for a network built by `buildBag` (layers `embedding`, `idf`, `dropout`, `genres`),
 * on binary cross-entropy (`options.positiveWeights` weigh each genre's positives; the soft-F1 loss is
 * the Keras step's). `trainOnBatch` throws a TypeError when given float features instead of token ids.
 */
export function sparseBagStep(network: tf.LayersModel, options: SparseBagStepOptions): TrainingStep & { scorer(): EncodedScorer } {
  if (options.lossName !== 'bce') throw new Error(`the sparse bag step trains on binary cross-entropy, not ${options.lossName}`);
  const embeddingLayer = network.getLayer('embedding');
  const dense = network.getLayer('genres');
  const dropoutConfig = network.getLayer('dropout').getConfig() as { rate: number; seed: number };
  const rate = dropoutConfig.rate;
  const dropoutRng = createRng(dropoutConfig.seed);
  const [rowsCount, dim] = embeddingLayer.getWeights()[0].shape as [number, number];
  const initialTable = embeddingLayer.getWeights()[0].dataSync() as Float32Array;
  const idf = Float32Array.from(network.getLayer(IDF_LAYER).getWeights()[0].dataSync() as Float32Array);
  const [kernelTensor, biasTensor] = dense.getWeights();
  const k = kernelTensor.shape[1] as number;
  // kernel is dim x k, row-major, as tfjs stores a Dense kernel.
  const kernel = Float32Array.from(kernelTensor.dataSync() as Float32Array);
  const bias = Float32Array.from(biasTensor.dataSync() as Float32Array);
  const sgd = options.tableOptimizer === 'sgd' || options.tableOptimizer === 'rowwise-adagrad';
  const rowAccumulator = options.tableOptimizer === 'rowwise-adagrad' ? new Float32Array(rowsCount) : null;
  const optimizer = options.tableOptimizer ?? 'adam';
  const tableRate = optimizer === 'adam' ? options.learningRate : (options.tableLearningRate ?? DEFAULT_TABLE_RATES[optimizer]);
  if (!(tableRate > 0)) throw new RangeError(`the bag's tableLearningRate must be positive, got ${tableRate}`);
  // The table's Adam moments, interleaved (m, v) per weight: a row update then streams through one
  // array instead of two, which matters because rows are visited in random order. None for SGD.
  // With the kernels, the table and the moments (per row: dim m, then dim v) live in their memory.
  // (Only for a table that fits a 32-bit memory with room to spare: the default is 100 MB, 300 with moments.)
  const kernelBytes = rowsCount * dim * 4 * (sgd ? 1 : 3);
  const wasm = (options.kernels ?? true) && dim % KERNEL_WIDTH === 0 && kernelBytes <= 2 ** 31 ? new BagKernels(rowsCount, dim, !sgd) : null;
  const moments = new Float32Array(sgd || wasm !== null ? 0 : rowsCount * dim * 2);
  // The table: a view of the kernels' memory (replaced when their scratch grows), or a plain array.
  let table: Float32Array = wasm === null ? Float32Array.from(initialTable) : wasm.table;
  if (wasm !== null) table.set(initialTable);
  /** Makes room in the kernels' scratch for `pairs` offsets and weights and `values` floats. */
  const scratch = (kernels: BagKernels, pairs: number, values: number): void => {
    kernels.ensureScratch(pairs, values);
    table = kernels.table;
  };
  /** The kernels' pooling of texts [0, rows) whose distinct ids are uniqueIds[rowStart[r], rowStart[r + 1]) into out. */
  const poolWithKernels = (kernels: BagKernels, rowStart: Int32Array, rows: number, out: Float32Array, at: number): void => {
    const pairs = rowStart[rows];
    scratch(kernels, pairs, rows * dim);
    kernels.offsets.set(uniqueIds.subarray(0, pairs));
    kernels.weights.set(uniqueWeights.subarray(0, pairs));
    for (let r = 0; r < rows; r++) {
      const from = rowStart[r];
      kernels.kernels.pool(kernels.offsetsAt + 4 * from, kernels.weightsAt + 4 * from, rowStart[r + 1] - from, 0, dim, kernels.valuesAt + 4 * r * dim);
    }
    out.set(kernels.values.subarray(0, rows * dim), at);
  };
  /** The kernels' update of the touched rows (`groupByRow`'s slots): lazy Adam, or SGD at `scale`. */
  const updateWithKernels = (kernels: BagKernels, used: number, pairs: number, pooledGradient: Float32Array, stepSize: number, inverseC2: number, scale: number): void => {
    scratch(kernels, pairs, pooledGradient.length);
    kernels.offsets.set(pairText.subarray(0, pairs));
    kernels.weights.set(pairWeight.subarray(0, pairs));
    kernels.values.set(pooledGradient);
    const { adamRow, sgdRow } = kernels.kernels;
    const [offsetsAt, weightsAt, valuesAt, momentsAt] = [kernels.offsetsAt, kernels.weightsAt, kernels.valuesAt, kernels.momentsAt];
    for (let s = 0; s < used; s++) {
      const first = slotStart[s];
      const n = slotStart[s + 1] - first;
      const row = touched[s];
      if (sgd) sgdRow(offsetsAt + 4 * first, weightsAt + 4 * first, n, valuesAt, dim, 4 * row, scale);
      else adamRow(offsetsAt + 4 * first, weightsAt + 4 * first, n, valuesAt, dim, 4 * row, momentsAt + 8 * row, stepSize, inverseC2);
    }
  };
  const kernelM1 = new Float32Array(dim * k);
  const kernelM2 = new Float32Array(dim * k);
  const biasM1 = new Float32Array(k);
  const biasM2 = new Float32Array(k);
  const positiveWeights = options.positiveWeights ?? new Float32Array(k).fill(1);
  const l2 = options.normalisation === 'l2';
  // Per-step scratch: which rows the batch touched (slot -> row offset), and each touched row's
  // (text, weight) pairs, grouped by row: slot s's pairs are pairText / pairWeight[slotStart[s],
  // slotStart[s + 1]).
  const slotOf = new Int32Array(rowsCount).fill(-1);
  let touched: Int32Array = new Int32Array(1024);
  let slotStart: Int32Array = new Int32Array(1025);
  let pairText: Int32Array = new Int32Array(4096);
  let pairWeight: Float32Array = new Float32Array(4096);
  const kernelGradient = new Float32Array(dim * k);
  const logits = new Float64Array(k);
  const biasGradient = new Float32Array(k);
  let step = 0;
  let best: { table: Float32Array; kernel: Float32Array; bias: Float32Array } | null = null;

  // A text's distinct ids and their summed weights (a char n-gram often occurs several times in one
  // text): `mark` says which ids the current text has seen, `positionOf` where its weight is.
  const mark = new Int32Array(rowsCount);
  const positionOf = new Int32Array(rowsCount);
  let stamp = 0;
  let uniqueIds = new Int32Array(4096);
  let uniqueWeights = new Float32Array(4096);

  /**
   * Collects the distinct ids of ids[start, end) with their idf weights times the text's scale (the
   * L2 norm or sum of the weights over every occurrence) into uniqueIds / uniqueWeights from `at`.
   * Returns how many.
   */
  const distinctIds = (ids: Int32Array, start: number, end: number, at: number): number => {
    if (at + (end - start) > uniqueIds.length) {
      uniqueIds = grow(uniqueIds, 2 * (at + end - start));
      uniqueWeights = grow(uniqueWeights, 2 * (at + end - start));
    }
    stamp = (stamp + 1) | 0;
    let norm = 0;
    let n = at;
    for (let c = start; c < end; c++) {
      const id = ids[c];
      const w = idf[id];
      if (w === 0) continue;
      norm += l2 ? w * w : w;
      if (mark[id] === stamp) {
        uniqueWeights[positionOf[id]] += w;
      } else {
        mark[id] = stamp;
        positionOf[id] = n;
        uniqueIds[n] = id * dim;
        uniqueWeights[n++] = w;
      }
    }
    const scale = 1 / Math.max(l2 ? Math.sqrt(norm) : norm, 1e-6);
    for (let i = at; i < n; i++) uniqueWeights[i] *= scale;
    return n - at;
  };

  /** out[at, at + dim) = sum of weight x table row over uniqueIds[from, from + n) (ids stored as row offsets). */
  const poolDistinct = (from: number, n: number, out: Float32Array, at: number): void => weightedRowSum(uniqueWeights, uniqueIds, from, from + n, table, dim, out, at);

  /**
   * Groups the batch's (text, distinct id) pairs by id: fills touched[0, used) with the row offsets
   * of the distinct ids in order of first use, and for slot s the pairs pairText (the text's offset
   * in pooledGradient) / pairWeight at [slotStart[s], slotStart[s + 1]), texts in batch order.
   * Returns `used`.
   */
  const groupByRow = (rowStart: Int32Array, rows: number): number => {
    const pairs = rowStart[rows];
    if (pairs > pairText.length) {
      pairText = new Int32Array(2 * pairs);
      pairWeight = new Float32Array(2 * pairs);
    }
    if (pairs + 1 > slotStart.length) slotStart = new Int32Array(pairs + 1);
    if (pairs > touched.length) touched = new Int32Array(pairs);
    // Count each row's pairs (slotStart[s + 1] counts slot s), in order of first use.
    let used = 0;
    for (let i = 0; i < pairs; i++) {
      const offset = uniqueIds[i];
      const id = offset / dim;
      let slot = slotOf[id];
      if (slot < 0) {
        slot = slotOf[id] = used;
        touched[used++] = offset;
        slotStart[used] = 0;
      }
      slotStart[slot + 1]++;
    }
    slotStart[0] = 0;
    for (let s = 0; s < used; s++) slotStart[s + 1] += slotStart[s];
    // Place the pairs (slotStart[s] advances to its end, then is shifted back).
    for (let r = 0; r < rows; r++) {
      const text = r * dim;
      for (let i = rowStart[r]; i < rowStart[r + 1]; i++) {
        const at = slotStart[slotOf[uniqueIds[i] / dim]]++;
        pairText[at] = text;
        pairWeight[at] = uniqueWeights[i];
      }
    }
    for (let s = used; s > 0; s--) slotStart[s] = slotStart[s - 1];
    slotStart[0] = 0;
    for (let s = 0; s < used; s++) slotOf[touched[s] / dim] = -1;
    return used;
  };

  /**
   * gradientRow = the sum over pairs [first, end) of weight x the text's d(loss)/d(pooled): a touched
   * row's gradient, the transpose of `poolDistinct`, in a one-row buffer that stays in the L1 cache.
   */
  const gradientRow = new Float32Array(dim);
  const rowGradient = (first: number, end: number, pooledGradient: Float32Array): void => weightedRowSum(pairWeight, pairText, first, end, pooledGradient, dim, gradientRow, 0);

  /**
   * Lazy Adam on the table's touched rows: for each, its gradient (`rowGradient`), then the moments
   * and the row in one sequential pass.
   */
  const updateRows = (used: number, pooledGradient: Float32Array, stepSize: number, inverseC2: number): void => {
    for (let s = 0; s < used; s++) {
      const paramAt = touched[s];
      rowGradient(slotStart[s], slotStart[s + 1], pooledGradient);
      let at = 2 * paramAt;
      for (let d = 0; d < dim; d++, at += 2) {
        const grad = gradientRow[d];
        const m = (moments[at] = BETA1 * moments[at] + (1 - BETA1) * grad);
        const v = (moments[at + 1] = BETA2 * moments[at + 1] + (1 - BETA2) * grad * grad);
        table[paramAt + d] -= (stepSize * m) / (Math.sqrt(v * inverseC2) + EPSILON);
      }
    }
  };

  /**
   * Plain SGD on the table's touched rows: row += `scale` x its gradient (`rowGradient`), so a row is
   * written once per batch however many texts use it. `scale` is -rate x (rows x genres), undoing the
   * loss's mean so each text contributes the gradient of its loss summed over genres. With
   * `rowAccumulator` (row-wise Adagrad, as FBGEMM's / TorchRec's `rowwise_adagrad` for embedding
   * tables: one accumulator per row, the running sum of the mean squared gradient of a text's loss),
   * the step is further divided by sqrt(accumulator) + 1e-10.
   */
  const sgdRows = (used: number, pooledGradient: Float32Array, scale: number): void => {
    for (let s = 0; s < used; s++) {
      const a = touched[s];
      rowGradient(slotStart[s], slotStart[s + 1], pooledGradient);
      let step = scale;
      if (rowAccumulator !== null) {
        let squares = 0;
        for (let d = 0; d < dim; d++) squares += gradientRow[d] * gradientRow[d];
        const accumulated = (rowAccumulator[a / dim] += (squares * scale * scale) / (tableRate * tableRate * dim));
        step = scale / (Math.sqrt(accumulated) + 1e-10);
      }
      for (let d = 0; d < dim; d++) table[a + d] += step * gradientRow[d];
    }
  };

  const adam = (params: Float32Array, m1: Float32Array, m2: Float32Array, grads: Float32Array, paramAt: number, gradAt: number, n: number, lr: number, c1: number, c2: number): void => {
    for (let d = 0; d < n; d++) {
      const grad = grads[gradAt + d];
      const p = paramAt + d;
      const m = (m1[p] = BETA1 * m1[p] + (1 - BETA1) * grad);
      const v = (m2[p] = BETA2 * m2[p] + (1 - BETA2) * grad * grad);
      params[p] -= (lr * (m / c1)) / (Math.sqrt(v / c2) + EPSILON);
    }
  };

  return {
    async trainOnBatch(ids, rows, cols, targetsTensor) {
      if (!(ids instanceof Int32Array)) throw new TypeError('the sparse bag step trains on token ids, not features');
      const targets = targetsTensor.dataSync() as Float32Array;
      // Forward: pooled vectors, dropout, logits.
      const hidden = new Float32Array(rows * dim);
      const keep = new Float32Array(rows * dim);
      // Row r's distinct ids are uniqueIds[rowStart[r], rowStart[r + 1]).
      const rowStart = new Int32Array(rows + 1);
      for (let r = 0; r < rows; r++) rowStart[r + 1] = rowStart[r] + distinctIds(ids, r * cols, (r + 1) * cols, rowStart[r]);
      if (wasm !== null) poolWithKernels(wasm, rowStart, rows, hidden, 0);
      else for (let r = 0; r < rows; r++) poolDistinct(rowStart[r], rowStart[r + 1] - rowStart[r], hidden, r * dim);
      const kept = rate > 0 ? 1 / (1 - rate) : 1;
      for (let i = 0; i < rows * dim; i++) {
        keep[i] = rate > 0 ? (dropoutRng.next() >= rate ? kept : 0) : 1;
        hidden[i] *= keep[i];
      }
      // Loss and d(loss)/d(logits), over the mean of rows x genres. The logits are summed dimension by
      // dimension (the kernel's rows are contiguous), skipping the dimensions dropout zeroed (most of
      // them at the default rate); each logit's terms are still added in the order of d.
      const logitGradient = new Float32Array(rows * k);
      const count = rows * k;
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        for (let g = 0; g < k; g++) logits[g] = bias[g];
        for (let d = 0; d < dim; d++) {
          const h = hidden[r * dim + d];
          if (h === 0) continue;
          const row = d * k;
          for (let g = 0; g < k; g++) logits[g] += h * kernel[row + g];
        }
        for (let g = 0; g < k; g++) {
          const p = 1 / (1 + Math.exp(-logits[g]));
          const t = targets[r * k + g];
          const pw = positiveWeights[g];
          const clipped = Math.min(Math.max(p, CLIP), 1 - CLIP);
          loss -= pw * t * Math.log(clipped) + (1 - t) * Math.log(1 - clipped);
          logitGradient[r * k + g] = (p * (pw * t + 1 - t) - pw * t) / count;
        }
      }
      // Head gradients, and the gradient of each pooled vector (through the dropout mask: a dropped
      // dimension adds nothing to the kernel's gradient and passes none back).
      kernelGradient.fill(0);
      biasGradient.fill(0);
      const pooledGradient = new Float32Array(rows * dim);
      for (let r = 0; r < rows; r++) {
        const zg = r * k;
        for (let g = 0; g < k; g++) biasGradient[g] += logitGradient[zg + g];
        for (let d = 0; d < dim; d++) {
          const mask = keep[r * dim + d];
          if (mask === 0) continue;
          const h = hidden[r * dim + d];
          const row = d * k;
          let back = 0;
          for (let g = 0; g < k; g++) {
            const dz = logitGradient[zg + g];
            kernelGradient[row + g] += h * dz;
            back += dz * kernel[row + g];
          }
          pooledGradient[r * dim + d] = back * mask;
        }
      }
      // Adam: the head densely, the table lazily (touched rows only), all with the global step's bias
      // correction (as PyTorch's SparseAdam); or the table by SGD at a linearly decaying rate.
      // fastText's schedule: the rate falls linearly from tableRate to 0 over the planned steps (SGD only).
      const progress = options.plannedSteps === undefined || rowAccumulator !== null ? 0 : Math.min(step / options.plannedSteps, 1);
      step++;
      const lr = options.learningRate;
      const c1 = 1 - BETA1 ** step;
      const c2 = 1 - BETA2 ** step;
      adam(kernel, kernelM1, kernelM2, kernelGradient, 0, 0, dim * k, lr, c1, c2);
      adam(bias, biasM1, biasM2, biasGradient, 0, 0, k, lr, c1, c2);
      // The table: each row the batch used gets its gradient (the weighted sum of d(loss)/d(pooled) over
      // the texts that use it) and its Adam update in one pass, row by row. The (text, weight) pairs are
      // first grouped by row (a counting sort, texts in batch order within a row), so a row's gradient
      // is summed in a one-row buffer and used at once: no batch-wide gradient buffer to fill and re-read.
      const used = groupByRow(rowStart, rows);
      const scale = -tableRate * (1 - progress) * count;
      if (wasm !== null && rowAccumulator === null) updateWithKernels(wasm, used, rowStart[rows], pooledGradient, lr / c1, 1 / c2, scale);
      else if (sgd) sgdRows(used, pooledGradient, scale);
      else updateRows(used, pooledGradient, lr / c1, 1 / c2);
      return loss / count;
    },
    scorer() {
      return (encoded) => {
        const out = new Float32Array(encoded.length * k);
        const pooled = new Float32Array(dim);
        for (let t = 0; t < encoded.length; t++) {
          const n = distinctIds(encoded[t], 0, encoded[t].length, 0);
          if (wasm !== null) poolWithKernels(wasm, Int32Array.of(0, n), 1, pooled, 0);
          else poolDistinct(0, n, pooled, 0);
          for (let g = 0; g < k; g++) {
            let z = bias[g];
            for (let d = 0; d < dim; d++) z += pooled[d] * kernel[d * k + g];
            out[t * k + g] = 1 / (1 + Math.exp(-z));
          }
        }
        return out;
      };
    },
    syncNetwork() {
      tf.tidy(() => {
        // The table may be a view of the kernels' memory, which tfjs must not keep: the wasm backend
        // copies a new tensor's values into its own heap at once (BackendWasm.move), another backend may
        // keep the array itself, so it is given a copy (100 MB at the defaults).
        const values = wasm === null || tf.getBackend() === 'wasm' ? table : table.slice();
        embeddingLayer.setWeights([tf.tensor2d(values, [rowsCount, dim])]);
        dense.setWeights([tf.tensor2d(kernel, [dim, k]), tf.tensor1d(bias)]);
      });
    },
    keepBest() {
      if (best === null) best = { table: table.slice(), kernel: kernel.slice(), bias: bias.slice() };
      else {
        best.table.set(table);
        best.kernel.set(kernel);
        best.bias.set(bias);
      }
    },
    restoreBest() {
      if (best !== null) {
        table.set(best.table);
        kernel.set(best.kernel);
        bias.set(best.bias);
      }
      this.syncNetwork();
    },
    dispose() {
      best = null;
    },
  };
}

function grow<T extends Int32Array | Float32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/**
 * out[at, at + dim) = the sum over i in [from, end) of weights[i] x source[offsets[i], offsets[i] + dim):
 * the embedding bag's pooling (rows of the table) and its transpose, a touched row's gradient (rows of
 * d(loss)/d(pooled)), on the JavaScript path. Eight dimensions at a time in locals: the sums stay in
 * registers instead of being loaded and stored once per row, and each visit of a row reads half a
 * cache line.
 */
function weightedRowSum(weights: Float32Array, offsets: Int32Array, from: number, end: number, source: Float32Array, dim: number, out: Float32Array, at: number): void {
  let d = 0;
  for (; d + 7 < dim; d += 8) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let i = from; i < end; i++) {
      const w = weights[i];
      const src = offsets[i] + d;
      s0 += w * source[src];
      s1 += w * source[src + 1];
      s2 += w * source[src + 2];
      s3 += w * source[src + 3];
      s4 += w * source[src + 4];
      s5 += w * source[src + 5];
      s6 += w * source[src + 6];
      s7 += w * source[src + 7];
    }
    out[at + d] = s0;
    out[at + d + 1] = s1;
    out[at + d + 2] = s2;
    out[at + d + 3] = s3;
    out[at + d + 4] = s4;
    out[at + d + 5] = s5;
    out[at + d + 6] = s6;
    out[at + d + 7] = s7;
  }
  for (; d < dim; d++) {
    let sum = 0;
    for (let i = from; i < end; i++) sum += weights[i] * source[offsets[i] + d];
    out[at + d] = sum;
  }
}
