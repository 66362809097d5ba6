/**
 * `bag`: fastText-style bag of n-grams. Hashed word, word-bigram and character n-gram features are
 * embedded, averaged with TF-IDF-like weights, and read by one sigmoid layer per genre.
 *
 * The idf weights live in the network as a frozen one-column embedding (row 0, padding, is 0), so they
 * are saved and loaded with the other weights and the model reads the same ids as every other kind.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { WeightedMean } from '../layers/weighted-mean.js';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { createRng } from '../../util/random.js';

export const BagConfig = z.object({
  buckets: z.number().int().positive().default(1 << 16),
  wordNgrams: z.number().int().min(1).max(2).default(2),
  charNgrams: z
    .tuple([z.number().int().positive(), z.number().int().positive()])
    .nullable()
    .default([2, 5])
    .refine((r) => r === null || r[0] <= r[1], { message: 'charNgrams must be [min, max] with min <= max' }),
  embeddingDim: z.number().int().positive().default(384),
  idf: z.boolean().default(true),
  normalisation: z.enum(['sum', 'l2']).default('l2'),
  dropout: z.number().min(0).max(0.95).default(0.6),
});
export type BagConfig = z.infer<typeof BagConfig>;

export const IDF_LAYER = 'idf';

/** `idf` has one entry per id (buckets + 1); without idf every feature weighs 1 and padding 0. */
export function buildBag(config: BagConfig, numLabels: number, seed: number, idf: Float32Array | null): tf.LayersModel {
  const rng = createRng(seed);
  const inputSize = config.buckets + 1;
  const weightTable = idf ?? Float32Array.from({ length: inputSize }, (_, i) => (i === 0 ? 0 : 1));
  if (weightTable.length !== inputSize) throw new Error(`bag: idf has ${weightTable.length} entries, expected ${inputSize}`);
  weightTable[0] = 0;
  const ids = tf.input({ shape: [null], dtype: 'int32', name: 'ids' });
  const weights = tf.layers
    .embedding({ inputDim: inputSize, outputDim: 1, trainable: false, weights: [tf.tensor2d(weightTable, [inputSize, 1])], name: IDF_LAYER })
    .apply(ids) as tf.SymbolicTensor;
  const embedded = tf.layers
    .embedding({
      inputDim: inputSize,
      outputDim: config.embeddingDim,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: rng.seed() }),
      name: 'embedding',
    })
    .apply(ids) as tf.SymbolicTensor;
  const pooled = new WeightedMean({ normalisation: config.normalisation, name: 'weighted_mean' }).apply([embedded, weights]) as tf.SymbolicTensor;
  const dropped = new SeededDropout({ rate: config.dropout, seed: rng.seed(), name: 'dropout' }).apply(pooled) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: numLabels, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: 'genres' })
    .apply(dropped) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: output, name: 'bag' });
}
