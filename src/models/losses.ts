/**
 * Training losses for multi-label outputs (sigmoid per genre).
 *
 * - `bce`: binary cross-entropy, optionally weighting each genre's positives (rare genres otherwise
 *   learn to say "no" always).
 * - `softf1`: macro soft-F1, the 2020 write-up's loss: F1 per genre computed from probabilities instead
 *   of 0/1 decisions (so it is differentiable), averaged over genres, subtracted from 1. It optimises
 *   macro-F1 directly but pushes probabilities toward 0 and 1, so thresholds matter less.
 */
import * as tf from '@tensorflow/tfjs';

export { LOSSES, type LossName } from './loss-names.js';
import type { LossName } from './loss-names.js';

const EPSILON = 1e-7;

export function binaryCrossEntropy(positiveWeights: Float32Array | null) {
  const weights = positiveWeights === null ? null : tf.keep(tf.tensor1d(positiveWeights));
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const p = yPred.clipByValue(EPSILON, 1 - EPSILON);
      const positive = yTrue.mul(p.log());
      const negative = tf.scalar(1).sub(yTrue).mul(tf.scalar(1).sub(p).log());
      const weightedPositive = weights === null ? positive : positive.mul(weights);
      return weightedPositive.add(negative).neg().mean();
    });
}

export function macroSoftF1(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const tp = yTrue.mul(yPred).sum(0);
    const fp = tf.scalar(1).sub(yTrue).mul(yPred).sum(0);
    const fn = yTrue.mul(tf.scalar(1).sub(yPred)).sum(0);
    const softF1 = tp.mul(2).div(tp.mul(2).add(fn).add(fp).add(EPSILON));
    return tf.scalar(1).sub(softF1).mean();
  });
}

/**
 * Positive weights for BCE: sqrt(negatives / positives) per genre, between 1 and a cap. The square
 * root (rather than the full ratio) keeps rare genres from flooding predictions with false positives;
 * the floor of 1 keeps a genre on most titles from losing its positive term altogether.
 */
export function positiveWeightsFrom(targets: Float32Array, numLabels: number, cap = 10): Float32Array {
  const n = targets.length / numLabels;
  const positives = new Float64Array(numLabels);
  for (let i = 0; i < targets.length; i++) positives[i % numLabels] += targets[i];
  return Float32Array.from(positives, (p) => Math.min(cap, Math.max(1, Math.sqrt((n - p) / Math.max(p, 1)))));
}

export function lossFunction(name: LossName, positiveWeights: Float32Array | null) {
  return name === 'softf1' ? macroSoftF1 : binaryCrossEntropy(positiveWeights);
}
