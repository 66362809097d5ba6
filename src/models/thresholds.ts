/**
 * How a model turns genre probabilities into genre sets: the thresholds it keeps and the one rule that
 * applies them. Genre j is on when its score >= its threshold, and an item with no genre on gets its
 * single highest-scoring genre, because Plotline always returns at least one genre. The tuners that
 * choose the thresholds on validation (../evaluation/thresholds.ts, decision-thresholds.ts) score
 * candidates under this same rule.
 *
 * Thresholds are compared at float32 precision (scores are Float32Array), so a score stored as 0.7
 * passes a threshold of 0.7 even though float32(0.7) < 0.7 as a double.
 */
import { rowsOf } from '../util/row-matrix.js';

/** What a model's thresholds can be chosen for on validation (evaluation/decision-thresholds.ts). */
export const THRESHOLD_OBJECTIVES = ['micro', 'macro', 'mean'] as const;
export type ThresholdObjective = (typeof THRESHOLD_OBJECTIVES)[number];

/** The thresholds a trained model keeps (saved in its manifest). */
export interface DecisionThresholds {
  /** One threshold for every genre, a probability in [0, 1]. */
  global: number;
  /** Per-genre thresholds tuned on validation, in genre order, or null. */
  perGenre: number[] | null;
  /** Which of the two `predict` uses by default. */
  mode: 'global' | 'perGenre';
  /**
   * When set, `perGenre` holds prior-shifted thresholds, sigmoid(logit(global) + priorShift * the
   * genre's training log-odds) (../evaluation/thresholds.ts `tunePriorShiftedThresholds`), rather
   * than each genre's own tuned threshold. Absent in models saved before them.
   */
  priorShift?: number;
  /** What the way was chosen for on validation (evaluation/decision-thresholds.ts); absent in models saved before it. */
  objective?: ThresholdObjective;
}

/**
 * The thresholds in a few words, for people: "one global threshold, 0.35", "per genre (0.12-0.60)", or
 * "prior-shifted: base 0.47 moved by 0.3 x each genre's training log-odds (0.12-0.41 per genre)", then
 * what they were chosen for when known.
 */
export function describeThresholds(thresholds: DecisionThresholds): string {
  const per = thresholds.mode === 'perGenre' ? thresholds.perGenre : null;
  const range = per === null || per.length === 0 ? '' : `${Math.min(...per).toFixed(2)}-${Math.max(...per).toFixed(2)}`;
  const way =
    per === null
      ? `one global threshold, ${thresholds.global.toFixed(2)}`
      : thresholds.priorShift !== undefined
        ? `prior-shifted: base ${thresholds.global.toFixed(2)} moved by ${thresholds.priorShift} x each genre's training log-odds (${range} per genre)`
        : `per genre (${range})`;
  return thresholds.objective === undefined ? way : `${way}, chosen on validation for ${objectiveName(thresholds.objective)}`;
}

/** A threshold objective in words: "micro-F1", "macro-F1" or "the mean of micro- and macro-F1". */
export function objectiveName(objective: ThresholdObjective): string {
  return objective === 'mean' ? 'the mean of micro- and macro-F1' : `${objective}-F1`;
}

/** One cut-off per genre: `thresholds` repeated k times, or copied (float32); RangeError when an array does not hold k. */
export function thresholdVector(thresholds: number | readonly number[], k: number): Float32Array {
  const out = new Float32Array(k);
  if (typeof thresholds === 'number') {
    out.fill(thresholds);
  } else {
    if (thresholds.length !== k) throw new RangeError(`expected ${k} thresholds, got ${thresholds.length}`);
    out.set(thresholds);
  }
  return out;
}

/**
 * Applies thresholds (one for all genres, or one per genre) with the at-least-one-genre rule to
 * `scores` (n x k, row-major); returns the n x k decisions (1: the genre is on).
 * @throws RangeError when `scores` is not a whole number of rows of k, or the thresholds are not k.
 */
export function applyThresholds(scores: Float32Array, k: number, thresholds: number | number[]): Uint8Array {
  const n = rowsOf(scores.length, k, 'scores');
  const cut = thresholdVector(thresholds, k);
  const out = new Uint8Array(scores.length);
  for (let i = 0, o = 0; i < n; i++, o += k) {
    let any = false;
    let best = 0;
    for (let j = 0; j < k; j++) {
      if (scores[o + j] >= cut[j]) {
        out[o + j] = 1;
        any = true;
      }
      if (scores[o + j] > scores[o + best]) best = j;
    }
    if (!any) out[o + best] = 1;
  }
  return out;
}
