/**
 * Max over the real (non-padding) time steps of a sequence of vectors: the "BiLSTM-max" read-out of
 * Conneau et al. 2017 ("Supervised Learning of Universal Sentence Representations from Natural Language
 * Inference Data", section 3.2.2), where a BiLSTM's last state is replaced by the element-wise max of its
 * outputs over all words, so every word's output gets a gradient directly instead of through the recurrence.
 *
 * Inputs: [sequence (batch, time, features), ids (batch, time) int32 with 0 = padding]. Output:
 * (batch, features). Padded steps are pushed 1e4 below any real value (the LSTM outputs pooled here lie in
 * [-1, 1]) so they never win; a text with no words at all pools to 0. A text's result does not depend on how
 * much padding its batch needed.
 */
import * as tf from '@tensorflow/tfjs';
import { maxOverTime } from './max-over-time.js';

/** How far below the real values padded steps are put before the max. */
const PADDING_OFFSET = 1e4;

export class MaskedMaxPool extends tf.layers.Layer {
  static readonly className = 'PlotlineMaskedMaxPool';

  constructor(args: { name?: string } = {}) {
    super({ name: args.name });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [sequence, ids] = inputs as [tf.Tensor3D, tf.Tensor2D];
      const real = ids.notEqual(0).cast('float32');
      const offset = real.sub(1).mul(PADDING_OFFSET).expandDims(2);
      const pooled = maxOverTime(sequence.add(offset) as tf.Tensor3D);
      // 1 for a text with at least one word, else 0 (its max would be the offset).
      const any = real.max(1, true);
      return pooled.mul(any);
    });
  }

  /** The incoming LSTM mask is consumed here: the pooled vector has no time axis left to mask. */
  override computeMask(): tf.Tensor | tf.Tensor[] {
    // tfjs's type says a tensor, but null is what its own non-sequence layers return for "no mask".
    return null as unknown as tf.Tensor;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const sequenceShape = (inputShape as tf.Shape[])[0];
    return [sequenceShape[0], sequenceShape[2]];
  }
}
tf.serialization.registerClass(MaskedMaxPool);
