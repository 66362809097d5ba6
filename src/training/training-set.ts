/**
 * What the training loop needs of its data, whatever the model reads: how to cut an epoch into
 * batches and what a batch looks like as network input. Token sequences (the from-scratch kinds) are
 * batched by length so each batch is padded only to its own longest text; fixed-size features (an
 * encoder + head model's embeddings) are simply shuffled.
 */
import type { Rng } from '../util/random.js';
import { selectRows } from '../util/row-matrix.js';
import { bucketedBatches, padSequences } from '../text/batching.js';
import type { Vectorizer } from '../models/vectorizers/vectorizer.js';

export interface TrainingSet {
  /** Multi-hot targets, n x genres row-major. */
  targets: Float32Array;
  /** One epoch's batches, as row indices in training order. */
  epochBatches(batchSize: number, rng: Rng): number[][];
  /** The network input for these rows: rows x cols token ids, or float features. */
  batchInput(rows: readonly number[]): { values: Int32Array | Float32Array; rows: number; cols: number };
}

export function sequenceTrainingSet(encoded: readonly Int32Array[], targets: Float32Array, encoder: Pick<Vectorizer, 'minLength' | 'maxLength'>): TrainingSet {
  const lengths = encoded.map((e) => e.length);
  return {
    targets,
    epochBatches: (batchSize, rng) => bucketedBatches(lengths, batchSize, rng),
    batchInput: (rows) => {
      const padded = padSequences(encoded, rows, { minLength: encoder.minLength, maxLength: encoder.maxLength });
      return { values: padded.ids, rows: padded.rows, cols: padded.cols };
    },
  };
}

/** `features` is n x dimension, row-major. */
export function featureTrainingSet(features: Float32Array, dimension: number, targets: Float32Array): TrainingSet {
  const n = features.length / dimension;
  if (!Number.isInteger(n)) throw new RangeError(`features hold ${features.length} values, not a multiple of dimension ${dimension}`);
  return {
    targets,
    epochBatches: (batchSize, rng) => {
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      const batches: number[][] = [];
      for (let start = 0; start < n; start += batchSize) batches.push(order.slice(start, start + batchSize));
      return batches;
    },
    batchInput: (rows) => ({ values: selectRows(features, rows, dimension), rows: rows.length, cols: dimension }),
  };
}
