/**
 * `cnn`: word embeddings -> convolutions of widths 2-5 max-pooled over time -> dropout -> sigmoid per genre.
 * Plotline's fast default among the sequence models (Kim 2014-style text CNN).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ConvPool } from './layers/conv-pool.js';
import { SeededDropout } from './layers/seeded-dropout.js';
import { createRng } from '../util/random.js';
import type { PretrainedEmbedding } from './vectorizers/word-vector-table.js';

export const CnnConfig = z.object({
  embeddingDim: z.number().int().positive().default(64),
  widths: z.array(z.number().int().min(1).max(10)).nonempty().default([2, 3, 4, 5]),
  filters: z.number().int().positive().default(64),
  dropout: z.number().min(0).max(0.95).default(0.5),
  /**
   * Kim 2014's CNN-multichannel: a frozen copy of the pretrained word vectors beside the trained embedding,
   * the two concatenated per word before the convolutions (so fine-tuning cannot wash out what the vectors
   * knew). Needs pretrained vectors (`--word-vectors`).
   */
  multichannel: z.boolean().default(false),
});
export type CnnConfig = z.infer<typeof CnnConfig>;

/**
 * A fresh network for `vocabSize` word ids (0 = padding) and `numLabels` sigmoid outputs, its weights drawn
 * from `seed`. With `pretrained` (see word-vector-table.ts) the embedding starts from those rows (its
 * dimension must be `config.embeddingDim`). `freezeEmbedding` makes the embedding non-trainable (also when
 * rebuilding a saved model's network, whose weights are then listed in the same order).
 */
export function buildCnn(config: CnnConfig, vocabSize: number, numLabels: number, seed: number, pretrained: PretrainedEmbedding | null = null, freezeEmbedding = false): tf.LayersModel {
  if (pretrained !== null && (pretrained.rows !== vocabSize || pretrained.dimension !== config.embeddingDim)) {
    throw new Error(`pretrained embedding is ${pretrained.rows} x ${pretrained.dimension}, the network's ${vocabSize} x ${config.embeddingDim}`);
  }
  const rng = createRng(seed);
  // The layer's variable takes these values when the layer is built (by apply below).
  const initial = pretrained === null ? null : tf.tensor2d(pretrained.table, [pretrained.rows, pretrained.dimension]);
  const ids = tf.input({ shape: [null], dtype: 'int32', name: 'ids' });
  const embedded = tf.layers
    .embedding({
      inputDim: vocabSize,
      outputDim: config.embeddingDim,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: rng.seed() }),
      trainable: !freezeEmbedding,
      weights: initial === null ? undefined : [initial],
      name: 'embedding',
    })
    .apply(ids) as tf.SymbolicTensor;
  let words = embedded;
  if (config.multichannel) {
    // Without `pretrained` (a saved model being rebuilt, whose weights are set next) the copy starts at 0.
    const fixed = tf.layers
      .embedding({ inputDim: vocabSize, outputDim: config.embeddingDim, trainable: false, embeddingsInitializer: 'zeros', weights: initial === null ? undefined : [initial], name: 'embedding_static' })
      .apply(ids) as tf.SymbolicTensor;
    words = tf.layers.concatenate({ axis: -1, name: 'channels' }).apply([embedded, fixed]) as tf.SymbolicTensor;
  }
  const pooled = new ConvPool({ widths: config.widths, filters: config.filters, seed: rng.seed(), name: 'conv_pool' }).apply([
    words,
    ids,
  ]) as tf.SymbolicTensor;
  const dropped = new SeededDropout({ rate: config.dropout, seed: rng.seed(), name: 'dropout' }).apply(pooled) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: numLabels,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }),
      name: 'genres',
    })
    .apply(dropped) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: output, name: 'cnn' });
  initial?.dispose();
  return model;
}
