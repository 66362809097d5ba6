/**
 * A trained head scored from its Dense layers' weights without tfjs: each layer is the product of its
 * input with the kernel, plus the bias, then ReLU / sigmoid / nothing, in float32, as tfjs's Dense layer
 * computes it (dropout is the identity at inference). The products run in the bag's WebAssembly SIMD
 * `pool` kernel (bag/bag-kernels.wat: out = sum over i of weights[i] x row offsets[i], float32, sixteen
 * outputs at a time), one input row at a time with its zero inputs skipped (ReLU zeroes about half of a
 * hidden layer): a plain JavaScript loop took 0.46-1.0 s for the 600 x 512 x 1024 products of a `use`
 * head on 600 texts, more than importing tfjs saves (README, "`use` prediction, fourth pass"). The scores
 * equal tfjs's within 1e-6 (float32 sums in another order; tested in test/models/encoder-head/).
 */
import { BagKernels, KERNEL_WIDTH } from '../bag/bag-kernels.js';
import type { DenseLayer, HeadScorer } from './head-scorer.js';

/** `units` rounded up to the kernel's width (the padded columns of a kernel are zeros, their outputs unused). */
const padded = (units: number): number => Math.ceil(units / KERNEL_WIDTH) * KERNEL_WIDTH;

export class DenseHead implements HeadScorer {
  readonly inputs: number;
  readonly outputs: number;
  private readonly kernels: BagKernels;
  /** Per layer: the float index of its (padded) kernel in the kernels' table, and its padded width. */
  private readonly bases: number[] = [];
  private readonly widths: number[];

  /**
   * `layers` in order, each reading the previous one's units (the first reads the sentence vector).
   * @throws RangeError when there is no layer or two consecutive layers do not chain.
   */
  constructor(private readonly layers: readonly DenseLayer[]) {
    if (layers.length === 0) throw new RangeError('a head needs at least one Dense layer');
    layers.forEach((layer, i) => {
      if (i > 0 && layer.inputs !== layers[i - 1].units) throw new RangeError(`Dense layer "${layer.name}" reads ${layer.inputs} values but "${layers[i - 1].name}" gives ${layers[i - 1].units}`);
      if (layer.kernel.length !== layer.inputs * layer.units || layer.bias.length !== layer.units) throw new RangeError(`Dense layer "${layer.name}": kernel or bias of the wrong size`);
    });
    this.inputs = layers[0].inputs;
    this.outputs = layers[layers.length - 1].units;
    this.widths = layers.map((l) => padded(l.units));
    let total = 0;
    layers.forEach((layer, i) => {
      this.bases.push(total);
      total += layer.inputs * this.widths[i];
    });
    this.kernels = new BagKernels(1, total, false);
    layers.forEach((layer, i) => {
      for (let k = 0; k < layer.inputs; k++) this.kernels.table.set(layer.kernel.subarray(k * layer.units, (k + 1) * layer.units), this.bases[i] + k * this.widths[i]);
    });
  }

  score(vectors: Float32Array): Float32Array {
    const n = vectors.length / this.inputs;
    const out = new Float32Array(n * this.outputs);
    const widest = Math.max(...this.widths);
    this.kernels.ensureScratch(Math.max(this.inputs, ...this.layers.map((l) => l.inputs)), widest);
    const { offsetsAt, weightsAt, valuesAt } = this.kernels;
    const { offsets, weights, values } = this.kernels;
    const activations = this.layers.map((l) => new Float32Array(l.units));
    for (let r = 0; r < n; r++) {
      let x: Float32Array = vectors.subarray(r * this.inputs, (r + 1) * this.inputs);
      this.layers.forEach((layer, li) => {
        const base = this.bases[li];
        const width = this.widths[li];
        let m = 0;
        for (let k = 0; k < layer.inputs; k++) {
          const v = x[k];
          if (v === 0) continue;
          offsets[m] = base + k * width;
          weights[m] = v;
          m++;
        }
        this.kernels.kernels.pool(offsetsAt, weightsAt, m, 0, width, valuesAt);
        const y = activations[li];
        const { bias, activation } = layer;
        for (let j = 0; j < layer.units; j++) {
          const z = Math.fround(values[j] + bias[j]);
          y[j] = activation === 'relu' ? (z > 0 ? z : 0) : activation === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : z;
        }
        x = y;
      });
      out.set(x, r * this.outputs);
    }
    return out;
  }

  denseLayers(): DenseLayer[] {
    return this.layers.map((l) => ({ ...l }));
  }

  parameterCounts(): { trained: number; frozen: number } {
    return { trained: this.layers.reduce((sum, l) => sum + l.kernel.length + l.bias.length, 0), frozen: 0 };
  }

  dispose(): void {}
}
