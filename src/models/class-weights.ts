/**
 * Per-genre weights for the two terms of binary cross-entropy, so that rare genres are not learned as
 * "always no". Plain arrays (no tfjs): the field model and the losses both use them.
 *
 * - `none`: every term weighs 1.
 * - `sqrt`: positives weigh sqrt(negatives / positives), between 1 and 10; negatives 1 (the text
 *   heads' `positiveWeights` setting, losses.ts).
 * - `balanced`: scikit-learn's `class_weight='balanced'` applied per genre (one binary problem each):
 *   positives weigh n / (2 * positives), negatives n / (2 * negatives), so both classes carry half of
 *   the loss. Source: sklearn.utils.class_weight.compute_class_weight; on the standard split it was
 *   what lifted scikit-learn's logistic regression on USE + fields from 0.48 to 0.55 test macro-F1.
 */
export const CLASS_WEIGHTINGS = ['none', 'sqrt', 'balanced'] as const;
export type ClassWeighting = (typeof CLASS_WEIGHTINGS)[number];

/** The weight of each genre's positive and negative terms, each of length k. */
export interface ClassWeights {
  positive: Float32Array;
  negative: Float32Array;
}

/**
 * Weights for `targets` (n x k multi-hot, row-major). A genre with no positives (or no negatives) is
 * weighed as if it had one.
 * @throws RangeError when targets are not a whole number of rows of k.
 */
export function classWeights(targets: Float32Array, k: number, weighting: ClassWeighting): ClassWeights {
  const positives = positiveCounts(targets, k);
  const n = targets.length / k;
  const positive = new Float32Array(k).fill(1);
  const negative = new Float32Array(k).fill(1);
  if (weighting === 'none' || n === 0) return { positive, negative };
  if (weighting === 'sqrt') return { positive: sqrtPositiveWeights(positives, n), negative };
  for (let j = 0; j < k; j++) {
    positive[j] = n / (2 * Math.max(positives[j], 1));
    negative[j] = n / (2 * Math.max(n - positives[j], 1));
  }
  return { positive, negative };
}

/**
 * Positive weights for BCE: sqrt(negatives / positives) per genre, between 1 and `cap`. The square
 * root (rather than the full ratio) keeps rare genres from flooding predictions with false positives;
 * the floor of 1 keeps a genre on most titles from losing its positive term altogether.
 * @throws RangeError when targets are not a whole number of rows of numLabels.
 */
export function positiveWeightsFrom(targets: Float32Array, numLabels: number, cap = 10): Float32Array {
  return sqrtPositiveWeights(positiveCounts(targets, numLabels), targets.length / numLabels, cap);
}

/** Positives per genre of n x k multi-hot targets. */
function positiveCounts(targets: Float32Array, k: number): Float64Array {
  if (k <= 0 || targets.length % k !== 0) throw new RangeError(`class weights: ${targets.length} targets are not rows of ${k} genres`);
  const positives = new Float64Array(k);
  for (let i = 0; i < targets.length; i++) positives[i % k] += targets[i];
  return positives;
}

/** min(cap, max(1, sqrt(negatives / positives))) per genre; a genre without positives is weighed as if it had one. */
function sqrtPositiveWeights(positives: Float64Array, n: number, cap = 10): Float32Array {
  return Float32Array.from(positives, (p) => Math.min(cap, Math.max(1, Math.sqrt((n - p) / Math.max(p, 1)))));
}
