/**
 * The trainable part of an encoder + head model: a small MLP from a frozen sentence vector to one
 * sigmoid per genre. The 2020 write-up used Dense(64) -> Dense(42); `hidden: []` is a plain
 * one-vs-rest logistic regression, the scikit-learn baseline's shape.
 */
import * as tf from '@tensorflow/tfjs';
import type { HeadConfig } from './head-config.js';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { createRng } from '../../util/random.js';

// The settings' schema lives without tfjs (head-config.ts), so that opening a saved head validates it
// without importing tfjs; re-exported here for training and the tests.
export { HeadConfig } from './head-config.js';

/**
 * The head as a tfjs network for training: input `embedding` [batch, inputDim], seeded dropout, the
 * hidden Dense layers (ReLU, He-normal), then Dense `genres` (sigmoid, Glorot-uniform). Saved folders
 * hold it as tfjs layers files; head-file.ts reads them back without tfjs.
 */
export function buildHead(config: HeadConfig, inputDim: number, numLabels: number, seed: number): tf.LayersModel {
  const rng = createRng(seed);
  const regularizer = config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined;
  const input = tf.input({ shape: [inputDim], name: 'embedding' });
  let x = input;
  if (config.dropout > 0) x = new SeededDropout({ rate: config.dropout, seed: rng.seed(), name: 'dropout_in' }).apply(x) as tf.SymbolicTensor;
  config.hidden.forEach((units, i) => {
    x = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: rng.seed() }), kernelRegularizer: regularizer, name: `hidden_${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
    if (config.dropout > 0) x = new SeededDropout({ rate: config.dropout, seed: rng.seed(), name: `dropout_${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  const output = tf.layers
    .dense({ units: numLabels, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), kernelRegularizer: regularizer, name: 'genres' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'head' });
}
