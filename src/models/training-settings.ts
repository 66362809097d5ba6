/** The training hyperparameters, named once: kinds give defaults, the CLI and callers override them. */
import type { LossName } from './losses.js';

export const MONITORS = ['micro', 'macro'] as const;
/** Which validation F1 early stopping watches. */
export type Monitor = (typeof MONITORS)[number];

export interface TrainingSettings {
  /** Most epochs; early stopping may end sooner. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better validation score before stopping. */
  patience: number;
  /**
   * micro (the default), or macro for a model trained to optimise macro-F1 (the soft-F1 loss lowers
   * micro-F1 early on, so watching micro stops it at epoch 1).
   */
  monitor: Monitor;
  loss: LossName;
  /** Weigh each genre's positives by sqrt(negatives / positives) in binary cross-entropy. */
  positiveWeights: boolean;
}
