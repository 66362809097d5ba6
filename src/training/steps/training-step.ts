/**
 * How one batch updates a network. The training loop (trainer.ts) owns epochs, validation and early
 * stopping; a step owns the parameter update, so a model can swap in a faster update (see
 * sparse-bag-step.ts) without a second training loop.
 */
import type * as tf from '@tensorflow/tfjs';

export interface TrainingStep {
  /**
   * One update on a batch of `rows` x `cols` inputs (token ids with 0 = padding, or the float features
   * of an encoder + head model) and multi-hot `targets`. Returns the loss.
   */
  trainOnBatch(inputs: Int32Array | Float32Array, rows: number, cols: number, targets: tf.Tensor2D): Promise<number>;
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
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}
