/**
 * A head held as its tfjs network (training builds one with head.ts's buildHead), scored by tfjs: what
 * training tunes its thresholds with, and what a model still holding its network scores with. A saved
 * head is opened as a DenseHead instead (head-file.ts), without tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { PlotlineError } from '../../util/errors.js';
import { weightCount } from '../network-files.js';
import type { DenseLayer, HeadScorer } from './head-scorer.js';

/** Vectors per head forward pass; the head is small, so big batches cost little memory. */
const HEAD_BATCH = 1024;

export class NetworkHead implements HeadScorer {
  readonly inputs: number;
  readonly outputs: number;

  constructor(readonly network: tf.LayersModel) {
    this.inputs = network.inputs[0].shape[1] as number;
    this.outputs = network.outputs[0].shape[1] as number;
  }

  score(vectors: Float32Array): Float32Array {
    const d = this.inputs;
    const k = this.outputs;
    const n = vectors.length / d;
    const out = new Float32Array(n * k);
    for (let start = 0; start < n; start += HEAD_BATCH) {
      const rows = Math.min(HEAD_BATCH, n - start);
      const scores = tf.tidy(() => {
        const x = tf.tensor2d(vectors.subarray(start * d, (start + rows) * d), [rows, d]);
        return (this.network.predict(x) as tf.Tensor).dataSync() as Float32Array;
      });
      out.set(scores, start * k);
    }
    return out;
  }

  /**
   * The network's Dense layers with their current weights, dropout left out.
   * @throws PlotlineError on a layer that is neither Dense nor dropout, or an activation other than relu, sigmoid, linear.
   */
  denseLayers(): DenseLayer[] {
    const layers: DenseLayer[] = [];
    for (const layer of this.network.layers) {
      const type = layer.getClassName();
      if (type === 'InputLayer' || type.toLowerCase().includes('dropout')) continue;
      if (type !== 'Dense') throw new PlotlineError(`head layer "${layer.name}" is of type ${type} (only Dense and dropout)`);
      const [kernel, bias] = layer.getWeights();
      const activation = (layer.getConfig() as { activation?: string }).activation;
      if (activation !== 'relu' && activation !== 'sigmoid' && activation !== 'linear') throw new PlotlineError(`head layer "${layer.name}" has activation "${activation}" (relu, sigmoid, linear)`);
      layers.push({ name: layer.name, inputs: kernel.shape[0] as number, units: kernel.shape[1] as number, kernel: kernel.dataSync() as Float32Array, bias: bias.dataSync() as Float32Array, activation });
    }
    return layers;
  }

  parameterCounts(): { trained: number; frozen: number } {
    return { trained: weightCount(this.network.trainableWeights), frozen: weightCount(this.network.nonTrainableWeights) };
  }

  dispose(): void {
    this.network.dispose();
  }
}
