/**
 * Training losses for multi-label outputs (sigmoid per genre).
 *
 * - `bce`: binary cross-entropy, optionally weighting each genre's positives (rare genres otherwise
 *   learn to say "no" always).
 * - `softf1`: macro soft-F1, the 2020 write-up's loss: F1 per genre computed from probabilities instead
 *   of 0/1 decisions (so it is differentiable), averaged over genres, subtracted from 1. It optimises
 *   macro-F1 directly but pushes probabilities toward 0 and 1, so thresholds matter less.
 * - `softf1-double`: soft F1 of the positives and of the negatives, averaged (see macroDoubleSoftF1).
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

/** Soft F1 per genre (column) of probabilities `yPred` against 0/1 `yTrue`, over the batch's rows. */
function softF1PerGenre(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const tp = yTrue.mul(yPred).sum(0);
  const fp = tf.scalar(1).sub(yTrue).mul(yPred).sum(0);
  const fn = yTrue.mul(tf.scalar(1).sub(yPred)).sum(0);
  return tp.mul(2).div(tp.mul(2).add(fn).add(fp).add(EPSILON));
}

/**
 * 1 - mean over genres of soft F1 (the write-up's loss). Its gradient on a genre's output bias is always
 * positive (2P^2 / (tp + P + fp)^2 for P positives in the batch): while the network cannot yet tell
 * titles apart, it raises every probability, and with Adam (steps of the learning rate whatever the
 * gradient's size) the sigmoids saturate at "every genre" before the features form.
 */
export function macroSoftF1(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.scalar(1).sub(softF1PerGenre(yTrue, yPred)).mean());
}

/**
 * Macro "double" soft-F1 (Maiza 2019, "The Unknown Benefits of using a Soft-F1 Loss in Classification
 * Systems"): the mean of each genre's soft F1 on its positives and on its negatives (1 - y, 1 - p). The
 * negatives' term pulls the bias back, so a constant "every genre" is no longer a resting point.
 */
export function macroDoubleSoftF1(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const one = tf.scalar(1);
    const positives = softF1PerGenre(yTrue, yPred);
    const negatives = softF1PerGenre(one.sub(yTrue), one.sub(yPred));
    return one.sub(positives.add(negatives).mul(0.5)).mean();
  });
}

/** The text heads' positive weights (sqrt of the class ratio, capped): class-weights.ts. */
export { positiveWeightsFrom } from './class-weights.js';

export function lossFunction(name: LossName, positiveWeights: Float32Array | null) {
  if (name === 'softf1') return macroSoftF1;
  if (name === 'softf1-double') return macroDoubleSoftF1;
  return binaryCrossEntropy(positiveWeights);
}
