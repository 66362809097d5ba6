/**
 * Prediction for `bag` without the network: its forward pass is linear up to the final sigmoid
 * (weighted mean of embedding rows, dropout = identity at inference, one Dense layer), so
 *   sigmoid((sum_i w_i E[id_i]) W / norm + b) = sigmoid((sum_i w_i (E W)[id_i]) / norm + b).
 * Multiplying the embedding table by the output weights once (buckets x genres) turns each text into a
 * sum of a few hundred 42-wide rows: ~10x fewer operations than the network and no tensor overhead.
 * Exact up to float rounding; tested equal to the network. This collapsed form is also what a saved
 * `bag` folder holds (linear-bag-file.ts), so a loaded model needs neither the table nor tfjs.
 */
// Types only: the scorer runs without tfjs (a loaded bag, the batch workers never import it); the one
// product with the network's weights uses the tensor's own method.
import type * as tf from '@tensorflow/tfjs';

// bag.ts's IDF_LAYER, spelt out: importing bag.ts would load tfjs into every scoring thread.
const BAG_IDF_LAYER = 'idf';

export type EncodedScorer = (encoded: readonly Int32Array[]) => Float32Array;

/** The collapsed `bag`: everything prediction needs. */
export interface LinearBag {
  /** (buckets + 1) x genres, row-major: each feature id's row of (embedding x kernel), times its idf. */
  collapsed: Float32Array;
  /** One weight per feature id (0 for padding): only its L2 norm or sum over a text's ids is used, to scale. */
  idf: Float32Array;
  /** One per genre. */
  bias: Float32Array;
  normalisation: 'sum' | 'l2';
}

/** The collapsed form of a network built by `buildBag` (one matMul of the table by the Dense kernel). */
export function collapseBag(network: tf.LayersModel, normalisation: 'sum' | 'l2'): LinearBag {
  const [kernel, bias] = network.getLayer('genres').getWeights();
  const k = kernel.shape[1] as number;
  const product = network.getLayer('embedding').getWeights()[0].matMul(kernel);
  const collapsed = Float32Array.from(product.dataSync() as Float32Array);
  product.dispose();
  const idf = Float32Array.from(network.getLayer(BAG_IDF_LAYER).getWeights()[0].dataSync() as Float32Array);
  // Fold each id's idf weight into its row too, so the inner loop is a plain sum of rows.
  for (let id = 0; id < idf.length; id++) {
    for (let g = 0; g < k; g++) collapsed[id * k + g] *= idf[id];
  }
  return { collapsed, idf, bias: Float32Array.from(bias.dataSync() as Float32Array), normalisation };
}

/**
 * Scores encoded texts (feature ids in [0, idf.length)) with a collapsed bag: n x genres probabilities.
 * An id outside the table throws a RangeError.
 *
 * Loop order: genres outside, a text's ids inside, four genres at a time in local accumulators. Summing
 * rows into a genres-wide array instead (ids outside) loads and stores that array once per id and genre;
 * this order keeps the sums in registers, and a text's few hundred rows stay in cache across the passes
 * (~1.7x faster on the catalogue, measured while writing it).
 */
export function linearScorer(linear: LinearBag): EncodedScorer {
  const { collapsed, idf, bias: b } = linear;
  const k = b.length;
  const l2 = linear.normalisation === 'l2';
  let rows = new Int32Array(1024);
  return (encoded) => {
    const out = new Float32Array(encoded.length * k);
    for (let t = 0; t < encoded.length; t++) {
      const ids = encoded[t];
      if (ids.length > rows.length) rows = new Int32Array(ids.length * 2);
      // The rows that count (idf 0 is padding), and the text's norm.
      let n = 0;
      let norm = 0;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        const w = idf[id];
        if (w === undefined) throw new RangeError(`feature id ${id} is outside the model's ${idf.length} rows`);
        if (w === 0) continue;
        norm += l2 ? w * w : w;
        rows[n++] = id * k;
      }
      const scale = 1 / Math.max(l2 ? Math.sqrt(norm) : norm, 1e-6);
      const base = t * k;
      let g = 0;
      for (; g + 3 < k; g += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0; i < n; i++) {
          const r = rows[i] + g;
          s0 += collapsed[r];
          s1 += collapsed[r + 1];
          s2 += collapsed[r + 2];
          s3 += collapsed[r + 3];
        }
        out[base + g] = sigmoid(s0 * scale + b[g]);
        out[base + g + 1] = sigmoid(s1 * scale + b[g + 1]);
        out[base + g + 2] = sigmoid(s2 * scale + b[g + 2]);
        out[base + g + 3] = sigmoid(s3 * scale + b[g + 3]);
      }
      for (; g < k; g++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += collapsed[rows[i] + g];
        out[base + g] = sigmoid(s * scale + b[g]);
      }
    }
    return out;
  };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The fast scorer of a trained `bag` network: `linearScorer(collapseBag(network))`. */
export function linearBagScorer(network: tf.LayersModel, normalisation: 'sum' | 'l2'): EncodedScorer {
  return linearScorer(collapseBag(network, normalisation));
}
