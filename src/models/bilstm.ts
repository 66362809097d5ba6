/**
 * `bilstm`: the reference network of the 2020 write-up "Tensorflow 2: NLP for Netflix Data", reproduced:
 * Embedding(vocab+1, 8) -> Bidirectional LSTM(32, return sequences) -> Bidirectional LSTM(32) -> Dense(32)
 * -> Dropout -> Dense(genres, sigmoid). At a vocabulary of 852 words (853 ids with padding) it has
 * 45,618 parameters, as the write-up's summary shows.
 *
 * Unlike the write-up, padding is masked (maskZero), so a text's score does not depend on its batch.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { SeededDropout } from './layers/seeded-dropout.js';
import { MaskedMaxPool } from './layers/masked-max-pool.js';
import { createRng } from '../util/random.js';
import type { PretrainedEmbedding } from './vectorizers/word-vector-table.js';

export const BilstmConfig = z.object({
  embeddingDim: z.number().int().positive().default(8),
  units: z.number().int().positive().default(32),
  denseUnits: z.number().int().positive().default(32),
  dropout: z.number().min(0).max(0.95).default(0.5),
  /**
   * Start each LSTM's forget-gate bias at 1 (Keras's `unit_forget_bias`, on by default there and so in the
   * write-up; tfjs defaults to off, which starts every cell forgetting half its state per word).
   */
  unitForgetBias: z.boolean().default(true),
  /**
   * The LSTM gates' activation. `sigmoid` is TensorFlow 2 Keras's default (the write-up's); tfjs defaults to
   * `hardSigmoid`, whose gradient is exactly 0 once a gate's input leaves [-2.5, 2.5].
   */
  gateActivation: z.enum(['sigmoid', 'hardSigmoid']).default('sigmoid'),
  /**
   * Half-width of the embedding's uniform initialisation (Keras's default, the write-up's: 0.05). At 0.05
   * the LSTMs' outputs barely differ between texts at first (std ~1e-3 across titles), and macro soft-F1,
   * whose push on every output bias is upward, saturates the sigmoids at "every genre" before they do;
   * a wider start (1, the scale of GloVe values) gives the features a head start. Ignored with word vectors.
   */
  embeddingInit: z.number().positive().max(10).default(0.05),
  /** Mask padding (Keras `mask_zero`), so the LSTMs skip it and a text scores the same in any batch. */
  maskPadding: z.boolean().default(true),
  /**
   * How the second BiLSTM's outputs become one vector: `last` (its final states, the write-up's) or `max`
   * (the element-wise max over the text's words, BiLSTM-max: layers/masked-max-pool.ts).
   */
  pooling: z.enum(['last', 'max']).default('last'),
  /** Activation of the Dense(denseUnits) layer before the output (`relu` in the reference). */
  denseActivation: z.enum(['relu', 'linear', 'tanh']).default('relu'),
  /**
   * How many BiLSTM layers: 2 (the write-up's) or 1 (the one layer of Conneau et al. 2017's BiLSTM-max). With
   * `pooling: "last"` the last layer gives its final states, with `"max"` its outputs are max-pooled.
   */
  layers: z.union([z.literal(1), z.literal(2)]).default(2),
  /**
   * Dropout rate on the word vectors before the first BiLSTM (each value of each word's vector dropped
   * independently, seeded; padding stays masked). 0, the reference, adds no layer.
   */
  embeddingDropout: z.number().min(0).max(0.95).default(0),
});
export type BilstmConfig = z.infer<typeof BilstmConfig>;

/**
 * A fresh network for `vocabSize` word ids (0 = padding) and `numLabels` sigmoid outputs, its weights drawn
 * from `seed`. With `pretrained` (see word-vector-table.ts) the embedding starts from those rows (its
 * dimension must be `config.embeddingDim`). `freezeEmbedding` makes the embedding non-trainable (also when
 * rebuilding a saved model's network, whose weights are then listed in the same order).
 */
export function buildBilstm(config: BilstmConfig, vocabSize: number, numLabels: number, seed: number, pretrained: PretrainedEmbedding | null = null, freezeEmbedding = false): tf.LayersModel {
  if (pretrained !== null && (pretrained.rows !== vocabSize || pretrained.dimension !== config.embeddingDim)) {
    throw new Error(`pretrained embedding is ${pretrained.rows} x ${pretrained.dimension}, the network's ${vocabSize} x ${config.embeddingDim}`);
  }
  const rng = createRng(seed);
  // The layer's variable takes these values when the layer is built (by apply below).
  const initial = pretrained === null ? null : tf.tensor2d(pretrained.table, [pretrained.rows, pretrained.dimension]);
  const lstm = (returnSequences: boolean, name: string) =>
    tf.layers.bidirectional({
      layer: tf.layers.lstm({
        units: config.units,
        returnSequences,
        kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: rng.seed() }),
        unitForgetBias: config.unitForgetBias,
        recurrentActivation: config.gateActivation,
      }) as tf.RNN,
      name,
    });
  const ids = tf.input({ shape: [null], dtype: 'int32', name: 'ids' });
  let x = tf.layers
    .embedding({
      inputDim: vocabSize,
      outputDim: config.embeddingDim,
      maskZero: config.maskPadding,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -config.embeddingInit, maxval: config.embeddingInit, seed: rng.seed() }),
      trainable: !freezeEmbedding,
      weights: initial === null ? undefined : [initial],
      name: 'embedding',
    })
    .apply(ids) as tf.SymbolicTensor;
  if (config.embeddingDropout > 0) {
    x = new SeededDropout({ rate: config.embeddingDropout, seed: rng.seed(), name: 'embedding_dropout' }).apply(x) as tf.SymbolicTensor;
  }
  // Every layer but the last returns its sequence; the last does too when its outputs are max-pooled.
  for (let layer = 1; layer <= config.layers; layer++) {
    const last = layer === config.layers;
    x = lstm(!last || config.pooling === 'max', `bilstm_${layer}`).apply(x) as tf.SymbolicTensor;
  }
  if (config.pooling === 'max') x = new MaskedMaxPool({ name: 'max_pool' }).apply([x, ids]) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: config.denseUnits,
      activation: config.denseActivation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
      name: 'dense',
    })
    .apply(x) as tf.SymbolicTensor;
  x = new SeededDropout({ rate: config.dropout, seed: rng.seed(), name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: numLabels, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), name: 'genres' })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: output, name: 'bilstm' });
  initial?.dispose();
  return model;
}
