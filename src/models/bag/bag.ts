/**
 * `bag`: fastText-style bag of n-grams. Hashed word, word-bigram and character n-gram features are
 * embedded, averaged with TF-IDF-like weights, and read by one sigmoid layer per genre.
 *
 * The idf weights live in the network as a frozen one-column embedding (row 0, padding, is 0), so they
 * are saved and loaded with the other weights and the model reads the same ids as every other kind.
 */
import * as tf from '@tensorflow/tfjs';
import type { BagConfig } from './bag-config.js';
import { WeightedMean } from '../layers/weighted-mean.js';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { createRng } from '../../util/random.js';

// The settings' schema lives in bag-config.ts (no tfjs there, for loading a saved bag).
export { BagConfig } from './bag-config.js';

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
