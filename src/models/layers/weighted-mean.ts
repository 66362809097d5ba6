/**
 * Weighted average of feature embeddings: the pooling of the fastText-style `bag` model.
 *
 * Inputs: [embedded (batch, n, dim), weights (batch, n, 1)] where padding has weight 0, so a text's vector
 * does not depend on how much padding its batch needed. Dividing by the L2 norm of the weights (rather
 * than their sum) is what TF-IDF does with its vectors; it keeps long and short texts on one scale.
 */
import * as tf from '@tensorflow/tfjs';

export type Normalisation = 'sum' | 'l2';

export interface WeightedMeanArgs {
  normalisation: Normalisation;
  name?: string;
}

export class WeightedMean extends tf.layers.Layer {
  static readonly className = 'PlotlineWeightedMean';
  private readonly normalisation: Normalisation;

  constructor(args: WeightedMeanArgs) {
    super({ name: args.name });
    this.normalisation = args.normalisation;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [embedded, weights] = inputs as [tf.Tensor3D, tf.Tensor3D];
      const summed = embedded.mul(weights).sum(1);
      const norm = this.normalisation === 'l2' ? weights.square().sum(1).sqrt() : weights.sum(1);
      return summed.div(norm.maximum(1e-6));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const embeddedShape = (inputShape as tf.Shape[])[0];
    return [embeddedShape[0], embeddedShape[2]];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), normalisation: this.normalisation };
  }
}
tf.serialization.registerClass(WeightedMean);
