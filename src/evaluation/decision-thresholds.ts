/**
 * The thresholds a trained model keeps: a global one and per-genre ones, both tuned on the whole
 * validation slice, and which of the two it uses.
 *
 * The choice is cross-fitted. Comparing the two on the same rows they were tuned on always favours
 * per-genre thresholds (42 free values fit ~700 rows' noise better than one does), and on the
 * standard split that choice lowered test micro-F1 for both bag and use. So each way is tuned on one
 * half of validation and scored on the other, both halves in turn, and the way with the higher
 * held-out micro-F1 (pooled over both halves) wins; ties keep the single global threshold.
 */
import { applyThresholds, type DecisionThresholds } from '../models/thresholds.js';
import { tuneGlobalThreshold, tunePerGenreThresholds } from './thresholds.js';
import { rowsOf } from '../util/row-matrix.js';
import { microF1 } from './metrics.js';
import { selectRows } from '../util/row-matrix.js';

export interface TunedThresholds {
  thresholds: DecisionThresholds;
  /** Validation micro-F1 of each way, tuned and scored on all of validation (optimistic). */
  microF1: { microF1Global: number; microF1PerGenre: number };
  /** Held-out micro-F1 of each way over the two halves: what decided `thresholds.mode`. */
  crossFitted: { global: number; perGenre: number };
}

/**
 * @param scores the validation scores the thresholds are tuned on (n x k).
 * @param decide how the model decides rows of validation under given thresholds, when that is not
 *   `applyThresholds` on `scores` (a genre cap that chooses among the genres passing the thresholds,
 *   models/genre-rules.ts): the held-out decisions that choose the mode are then the model's own.
 *   Returns the rows' decisions (rows.length x k).
 */
export function tuneDecisionThresholds(
  targets: Float32Array,
  scores: Float32Array,
  k: number,
  decide?: (rows: readonly number[], thresholds: number | number[]) => Uint8Array,
): TunedThresholds {
  const global = tuneGlobalThreshold(targets, scores, k);
  const perGenre = tunePerGenreThresholds(targets, scores, k, { start: global.threshold });
  const crossFitted = crossFittedMicroF1(targets, scores, k, decide);
  return {
    thresholds: { global: global.threshold, perGenre: perGenre.thresholds, mode: crossFitted.perGenre > crossFitted.global ? 'perGenre' : 'global' },
    microF1: { microF1Global: global.microF1, microF1PerGenre: perGenre.microF1 },
    crossFitted,
  };
}

/**
 * Rows alternate between the halves (no randomness: the same validation rows always split the same
 * way). Every row gets the decisions of thresholds tuned on the other half; micro-F1 over all rows.
 */
function crossFittedMicroF1(
  targets: Float32Array,
  scores: Float32Array,
  k: number,
  decide: ((rows: readonly number[], thresholds: number | number[]) => Uint8Array) | undefined,
): { global: number; perGenre: number } {
  const n = rowsOf(targets.length, k, 'targets');
  const halves = [0, 1].map((h) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === h));
  const decided = { global: new Uint8Array(n * k), perGenre: new Uint8Array(n * k) };
  for (const [fit, held] of [[halves[0], halves[1]], [halves[1], halves[0]]]) {
    const fitTargets = selectRows(targets, fit, k);
    const fitScores = selectRows(scores, fit, k);
    const heldScores = selectRows(scores, held, k);
    const global = tuneGlobalThreshold(fitTargets, fitScores, k).threshold;
    const perGenre = tunePerGenreThresholds(fitTargets, fitScores, k, { start: global }).thresholds;
    placeRows(decided.global, decide === undefined ? applyThresholds(heldScores, k, global) : decide(held, global), held, k);
    placeRows(decided.perGenre, decide === undefined ? applyThresholds(heldScores, k, perGenre) : decide(held, perGenre), held, k);
  }
  return { global: microF1(targets, decided.global, k), perGenre: microF1(targets, decided.perGenre, k) };
}

/** Writes row r of `rows` (held-out decisions) back to row rows[r] of `into`. */
function placeRows(into: Uint8Array, rows: Uint8Array, at: readonly number[], k: number): void {
  at.forEach((row, r) => into.set(rows.subarray(r * k, (r + 1) * k), row * k));
}
