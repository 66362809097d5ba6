/** The F1 arithmetic shared by the metrics and the threshold tuners. */

/**
 * F1 from counts as 2tp / (2tp + fp + fn). This equals the harmonic mean of precision and recall
 * whenever both are defined, and gives 0 when tp + fp + fn = 0, i.e. sklearn's zero_division=0.
 */
export function f1FromCounts(tp: number, fp: number, fn: number): number {
  const denominator = 2 * tp + fp + fn;
  return denominator === 0 ? 0 : (2 * tp) / denominator;
}
