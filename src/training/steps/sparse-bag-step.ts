/**
 * A fast update for the `bag` model: sparse embedding gradients with lazy Adam.
 *
 * A batch touches a few thousand of the embedding table's rows (65,536+ buckets), but tfjs computes a
 * dense gradient for the whole table and Adam then updates every row: most of the work, every step,
 * for rows the batch never saw. Here the embedding bag (lookup, idf weighting, normalisation) runs in
 * plain JavaScript on a Float32Array copy of the table, tfjs computes the head (dropout + sigmoid
 * layer) and the loss with their gradients, and the gradient for the pooled vectors is pushed back
 * only into the rows the batch used, each updated by Adam with its own moments ("lazy Adam", as in
 * TensorFlow Addons' LazyAdam and PyTorch's SparseAdam: rows absent from a batch keep their moments).
 *
 * The network itself is unchanged (its Embedding layer gets the table before every evaluation and at
 * the end), so saving, loading and prediction are the same as for the Keras update.
 */
import * as tf from '@tensorflow/tfjs';
import { IDF_LAYER } from '../../models/bag.js';
import type { StepOptions, TrainingStep } from './training-step.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7; // tfjs's Adam default for float32

export function sparseBagStep(network: tf.LayersModel, options: StepOptions & { normalisation: 'sum' | 'l2' }): TrainingStep {
  const embeddingLayer = network.getLayer('embedding');
  const head = [network.getLayer('dropout'), network.getLayer('genres')];
  const [rowsCount, dim] = embeddingLayer.getWeights()[0].shape as [number, number];
  const table = Float32Array.from(embeddingLayer.getWeights()[0].dataSync() as Float32Array);
  const idf = Float32Array.from(network.getLayer(IDF_LAYER).getWeights()[0].dataSync() as Float32Array);
  const moment1 = new Float32Array(rowsCount * dim);
  const moment2 = new Float32Array(rowsCount * dim);
  // Per-step scratch: which rows the batch touched, and their gradient in a compact buffer.
  const slotOf = new Int32Array(rowsCount).fill(-1);
  let touched: Int32Array = new Int32Array(1024);
  let rowGradients: Float32Array = new Float32Array(1024 * dim);
  const headOptimizer = tf.train.adam(options.learningRate);
  const headVariables = head.flatMap((layer) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
  let step = 0;
  let best: { table: Float32Array; head: tf.Tensor[] } | null = null;

  const pool = (ids: Int32Array, rows: number, cols: number): { pooled: Float32Array; scale: Float32Array } => {
    const pooled = new Float32Array(rows * dim);
    const scale = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let norm = 0;
      for (let c = 0; c < cols; c++) {
        const w = idf[ids[r * cols + c]];
        norm += options.normalisation === 'l2' ? w * w : w;
      }
      norm = options.normalisation === 'l2' ? Math.sqrt(norm) : norm;
      scale[r] = 1 / Math.max(norm, 1e-6);
      const out = r * dim;
      for (let c = 0; c < cols; c++) {
        const id = ids[r * cols + c];
        const w = idf[id] * scale[r];
        if (w === 0) continue;
        const src = id * dim;
        for (let d = 0; d < dim; d++) pooled[out + d] += w * table[src + d];
      }
    }
    return { pooled, scale };
  };

  return {
    async trainOnBatch(ids, rows, cols, targets) {
      if (!(ids instanceof Int32Array)) throw new TypeError('the sparse bag step trains on token ids, not features');
      const { pooled, scale } = pool(ids, rows, cols);
      const pooledTensor = tf.tensor2d(pooled, [rows, dim]);
      const x = tf.variable(pooledTensor, true, `pooled_${step}`);
      pooledTensor.dispose(); // the variable holds its own reference to the data
      let loss: number;
      let pooledGradient: Float32Array;
      try {
        const { value, grads } = tf.variableGrads(() => {
          let h: tf.Tensor = x;
          for (const layer of head) h = layer.apply(h, { training: true }) as tf.Tensor;
          return options.loss(targets, h).mean() as tf.Scalar;
        }, [x, ...headVariables]);
        loss = value.dataSync()[0];
        pooledGradient = grads[x.name].dataSync() as Float32Array;
        headOptimizer.applyGradients(headVariables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
        value.dispose();
        Object.values(grads).forEach((g) => g.dispose());
      } finally {
        x.dispose();
      }

      // Scatter d(loss)/d(pooled) into the rows this batch used.
      let count = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const id = ids[r * cols + c];
          const w = idf[id] * scale[r];
          if (w === 0) continue;
          let slot = slotOf[id];
          if (slot < 0) {
            if (count === touched.length) {
              touched = growInt(touched, count * 2);
              rowGradients = growFloat(rowGradients, count * 2 * dim);
            }
            slot = slotOf[id] = count;
            touched[count++] = id;
            rowGradients.fill(0, slot * dim, (slot + 1) * dim);
          }
          const g = slot * dim;
          const src = r * dim;
          for (let d = 0; d < dim; d++) rowGradients[g + d] += w * pooledGradient[src + d];
        }
      }
      // Lazy Adam on the touched rows, with the global step's bias correction (as PyTorch's SparseAdam),
      // in tfjs's exact form (epsilon added to the corrected second moment).
      step++;
      const lr = options.learningRate;
      const correction1 = 1 - BETA1 ** step;
      const correction2 = 1 - BETA2 ** step;
      for (let i = 0; i < count; i++) {
        const id = touched[i];
        slotOf[id] = -1;
        const g = i * dim;
        const p = id * dim;
        for (let d = 0; d < dim; d++) {
          const grad = rowGradients[g + d];
          const m = (moment1[p + d] = BETA1 * moment1[p + d] + (1 - BETA1) * grad);
          const v = (moment2[p + d] = BETA2 * moment2[p + d] + (1 - BETA2) * grad * grad);
          table[p + d] -= (lr * (m / correction1)) / (Math.sqrt(v / correction2) + EPSILON);
        }
      }
      return loss;
    },
    syncNetwork() {
      tf.tidy(() => embeddingLayer.setWeights([tf.tensor2d(table, [rowsCount, dim])]));
    },
    keepBest() {
      best?.head.forEach((w) => w.dispose());
      best = { table: table.slice(), head: headVariables.map((v) => v.clone()) };
    },
    restoreBest() {
      if (best === null) return;
      table.set(best.table);
      headVariables.forEach((v, i) => v.assign(best!.head[i]));
      tf.tidy(() => embeddingLayer.setWeights([tf.tensor2d(table, [rowsCount, dim])]));
    },
    dispose() {
      best?.head.forEach((w) => w.dispose());
      best = null;
      headOptimizer.dispose();
    },
  };
}

function growInt(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

function growFloat(a: Float32Array, size: number): Float32Array {
  const b = new Float32Array(size);
  b.set(a);
  return b;
}
