/**
 * The `bag` kind's settings, without the network: its zod schemas live here, apart from bag.ts (which
 * builds the tfjs network) and sparse-bag-step.ts (which trains it), so that opening a saved bag can
 * validate its manifest's `config` without importing tfjs (bag-loader.ts).
 */
import { z } from 'zod';
import { LINEAR_STORAGES } from './linear-bag-file.js';

/** The network's and vectorizer's settings (buckets, n-grams, width, idf, normalisation, dropout). */
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

/** How the embedding table's rows are updated (the head always uses Adam at `learningRate`). */
export const TABLE_OPTIMIZERS = ['adam', 'sgd', 'rowwise-adagrad'] as const;
export type TableOptimizer = (typeof TABLE_OPTIMIZERS)[number];

/**
 * The whole `config` of a `bag` model (`--config`, and the manifest's `config`): BagConfig plus the
 * encoder's length cap, the training step's options and how the folder stores the collapsed form.
 * Strict: a misspelt setting is an error, not silently the default.
 */
export const BagKindConfig = BagConfig.extend({
  maxLength: z.number().int().positive().default(1024),
  // Sparse embedding gradients with lazy Adam (sparse-bag-step.ts); false trains through Keras.
  sparseUpdates: z.boolean().default(true),
  // How the sparse step updates the embedding table (sparse-bag-step.ts): lazy Adam at the training
  // learning rate, fastText's plain SGD at tableLearningRate decaying linearly to 0 over the run, or
  // row-wise Adagrad at tableLearningRate (null: DEFAULT_TABLE_RATES).
  tableOptimizer: z.enum(TABLE_OPTIMIZERS).default('adam'),
  tableLearningRate: z.number().positive().nullable().default(null),
  // How the saved folder stores the collapsed linear form (linear-bag-file.ts): float32, or int8 with a
  // scale per row (about a quarter of the size).
  storage: z.enum(LINEAR_STORAGES).default('float32'),
}).strict();
export type BagKindConfig = z.infer<typeof BagKindConfig>;
