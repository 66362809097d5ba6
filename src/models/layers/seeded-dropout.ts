/**
 * Dropout whose masks are reproducible from a seed but differ from batch to batch.
 *
 * tfjs's own Dropout either ignores seeds (Math.random: runs differ) or, given a seed, draws the very
 * same mask on every call, which is no dropout at all. This layer derives each call's seed from the
 * base seed and a call counter, so a training run is repeatable and every batch gets a fresh mask.
 */
import * as tf from '@tensorflow/tfjs';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'PlotlineSeededDropout';
  private readonly rate: number;
  private readonly baseSeed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.baseSeed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs['training'] !== true || this.rate <= 0) return x;
    return tf.tidy(() => {
      const seed = (this.baseSeed + Math.imul(++this.calls, 0x9e3779b1)) >>> 0;
      const keep = tf.randomUniform(x.shape, 0, 1, 'float32', seed).greaterEqual(this.rate);
      return x.mul(keep.cast('float32')).div(1 - this.rate);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.baseSeed };
  }
}
tf.serialization.registerClass(SeededDropout);
