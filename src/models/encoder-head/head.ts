/**
 * The trainable part of an encoder + head model: a small MLP from a frozen sentence vector to one
 * sigmoid per genre. The 2020 write-up used Dense(64) -> Dense(42); `hidden: []` is a plain
 * one-vs-rest logistic regression, the scikit-learn baseline's shape.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { createRng } from '../../util/random.js';

export const HeadConfig = z
  .object({
    /** Widths of the hidden layers, in order. */
    hidden: z.array(z.number().int().positive()).max(4).default([1024]),
    /** Dropout on the sentence vector and after each hidden layer. */
    dropout: z.number().min(0).max(0.95).default(0.5),
    /** L2 penalty on the kernels, as the sum of squares times this. */
    l2: z.number().min(0).default(0),
  })
  .strict();
export type HeadConfig = z.infer<typeof HeadConfig>;

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
