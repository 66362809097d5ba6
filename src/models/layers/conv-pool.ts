/**
 * Word convolutions of several widths, each max-pooled over time: the body of the `cnn` model.
 *
 * Written as im2col + one matrix product per width rather than with tfjs's Conv1D because the wasm
 * backend's convolution gradients are slow (its Conv2DBackpropInput) or missing (the filter gradient):
 * matMul and its gradient run in XNNPACK with SIMD, an order of magnitude faster here.
 *
 * Padding never changes a text's result: padded positions are zeroed before the convolution and their
 * outputs zeroed before pooling (outputs are post-ReLU, so >= 0), so a text scores the same alone or in
 * any batch.
 *
 * Inputs: [embedded (batch, time, dim), ids (batch, time) int32 with 0 = padding]. Output: (batch, widths x filters).
 */
import * as tf from '@tensorflow/tfjs';
import { maxOverTime } from './max-over-time.js';

export interface ConvPoolArgs {
  widths: number[];
  filters: number;
  seed: number;
  name?: string;
}

export class ConvPool extends tf.layers.Layer {
  static readonly className = 'PlotlineConvPool';
  private readonly widths: number[];
  private readonly filters: number;
  private readonly seed: number;
  private kernels: tf.LayerVariable[] = [];
  private biases: tf.LayerVariable[] = [];

  constructor(args: ConvPoolArgs) {
    super({ name: args.name });
    this.widths = [...args.widths].sort((a, b) => a - b);
    this.filters = args.filters;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const embeddedShape = (inputShape as tf.Shape[])[0];
    const dim = embeddedShape[2] as number;
    this.kernels = this.widths.map((width, i) =>
      this.addWeight(
        `kernel_w${width}`,
        [width * dim, this.filters],
        'float32',
        tf.initializers.glorotUniform({ seed: this.seed + i }),
      ),
    );
    this.biases = this.widths.map((width) =>
      this.addWeight(`bias_w${width}`, [this.filters], 'float32', tf.initializers.zeros()),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [embedded, ids] = inputs as [tf.Tensor3D, tf.Tensor2D];
      const [batch, time, dim] = embedded.shape;
      const maxWidth = this.widths[this.widths.length - 1];
      const mask = ids.notEqual(0).cast('float32').expandDims(2) as tf.Tensor3D;
      // Windows that run past the end see zeros, like 'same' padding on the right only.
      const padded = embedded.mul(mask).pad([[0, 0], [0, maxWidth - 1], [0, 0]]) as tf.Tensor3D;
      const shifted: tf.Tensor3D[] = [];
      for (let s = 0; s < maxWidth; s++) shifted.push(padded.slice([0, s, 0], [batch, time, dim]));
      const windows = tf.concat(shifted, 2).reshape([batch * time, maxWidth * dim]) as tf.Tensor2D;
      const pooled = this.widths.map((width, i) => {
        const cols = width === maxWidth ? windows : windows.slice([0, 0], [batch * time, width * dim]);
        const activated = tf.relu(tf.matMul(cols, this.kernels[i].read()).add(this.biases[i].read()));
        return maxOverTime(activated.reshape([batch, time, this.filters]).mul(mask) as tf.Tensor3D);
      });
      return pooled.length === 1 ? pooled[0] : tf.concat(pooled, 1);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const embeddedShape = (inputShape as tf.Shape[])[0];
    return [embeddedShape[0], this.widths.length * this.filters];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), widths: this.widths, filters: this.filters, seed: this.seed };
  }
}
tf.serialization.registerClass(ConvPool);
