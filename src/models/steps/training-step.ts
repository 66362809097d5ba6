/**
 * How one batch updates a network. The training loop (trainer.ts) owns epochs, validation and early
 * stopping; a step owns the parameter update, so a model can swap in a faster update (see
 * sparse-bag-step.ts) without a second training loop.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LossName } from '../losses.js';
import type { EncodedScorer } from '../bag/linear-bag-scorer.js';

export interface TrainingStep {
  /**
   * One update on a batch of `rows` x `cols` inputs (token ids with 0 = padding, or the float features
   * of an encoder + head model) and multi-hot `targets`. Returns the loss.
   */
  trainOnBatch(inputs: Int32Array | Float32Array, rows: number, cols: number, targets: tf.Tensor2D): Promise<number>;
  /**
   * Scores encoded texts with the current parameters without syncing the network, for a step that keeps
   * its parameters outside it (validation between epochs then skips the sync).
   */
  scorer?(): EncodedScorer;
  /** Makes the network hold the current parameters before it is used to score (no-op when it always does). */
  syncNetwork(): void;
  /** Remembers the current parameters as the best so far. */
  keepBest(): void;
  /** Puts the remembered best parameters back into the network. */
  restoreBest(): void;
  dispose(): void;
}

export interface StepOptions {
  learningRate: number;
  /** The loss as a tfjs function (Keras step) ... */
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
  /** ... and by name with its settings, for a step that computes it itself. */
  lossName: LossName;
  /** Per-genre weights of BCE's positive term, or null. */
  positiveWeights: Float32Array | null;
  /**
   * How many batches the run will train on at most (epochs x batches per epoch), for a step whose
   * learning rate follows a schedule over the run (the bag's SGD table decays linearly to 0 over it).
   */
  plannedSteps?: number;
}
