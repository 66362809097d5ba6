/**
 * What an encoder + head model scores its sentence vectors with (EncoderHeadClassifier): the trained
 * head either as a tfjs network (network-head.ts: training, and a model still holding its network) or
 * as its Dense layers' weights in plain typed arrays (dense-head.ts: a saved model opened to score,
 * which imports no tfjs).
 */
import type * as tf from '@tensorflow/tfjs';

/** One Dense layer of a head: `kernel` is inputs x units (row-major, tfjs's layout), `bias` units. */
export interface DenseLayer {
  name: string;
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'sigmoid' | 'linear';
}

export interface HeadScorer {
  /** Floats per sentence vector in, probabilities per vector out (the genres). */
  readonly inputs: number;
  readonly outputs: number;
  /** Probabilities for `vectors` (n x inputs, row-major): n x outputs, row-major. */
  score(vectors: Float32Array): Float32Array;
  /** The Dense layers in order, dropout left out (the identity at inference): what export writes. */
  denseLayers(): DenseLayer[];
  /** The head's weights: trained, and frozen (none in the heads Plotline builds). */
  parameterCounts(): { trained: number; frozen: number };
  /** The tfjs network, when the head is one (training, saving); absent for a head read without tfjs. */
  readonly network?: tf.LayersModel;
  dispose(): void;
}
