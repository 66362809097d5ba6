/**
 * Choosing the cut-offs that turn genre probabilities into genre sets, on validation data.
 *
 * Every decision goes through one rule (`applyThresholds`, ../models/thresholds.ts): genre j is on when
 * its score >= its threshold, and an item with no genre on gets its single highest-scoring genre. The
 * tuners score candidate thresholds under that rule so the value chosen on validation is the value
 * that will be applied at prediction time.
 *
 * Thresholds are compared at float32 precision (scores are Float32Array), so a score stored as
 * 0.7 passes a threshold of 0.7 even though float32(0.7) < 0.7 as a double.
 */
import { f1FromCounts } from './label-matrix.js';
import { rowsOf } from '../util/row-matrix.js';
import { applyThresholds } from '../models/thresholds.js';

/** 0.05, 0.06, ..., 0.95, rounded so the grid values are the decimals they look like. */
function defaultGrid(): number[] {
  const grid: number[] = [];
  for (let step = 5; step <= 95; step++) grid.push(step / 100);
  return grid;
}

function checkShapes(truth: Float32Array, scores: Float32Array, k: number): number {
  const n = rowsOf(truth.length, k, 'truth');
  if (scores.length !== truth.length) {
    throw new RangeError(`scores has ${scores.length} cells, expected ${truth.length}`);
  }
  return n;
}

function checkGrid(grid: readonly number[]): void {
  if (grid.length === 0) throw new RangeError('threshold grid is empty');
}

/** Highest-scoring genre of each item; ties go to the lower column index. */
function argmaxPerItem(scores: Float32Array, n: number, k: number): Int32Array {
  const best = new Int32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += k) {
    let b = 0;
    for (let j = 1; j < k; j++) if (scores[o + j] > scores[o + b]) b = j;
    best[i] = b;
  }
  return best;
}

/**
 * Micro tp/fp/fn of `applyThresholds(scores, k, cut)` without materialising the prediction
 * matrix, so sweeping a grid costs one pass per grid point and no allocation.
 */
function microCounts(
  truth: Float32Array,
  scores: Float32Array,
  n: number,
  k: number,
  cut: Float32Array,
  best: Int32Array,
): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0, o = 0; i < n; i++, o += k) {
    let any = false;
    for (let j = 0; j < k; j++) {
      const t = truth[o + j] >= 0.5;
      if (t) positives++;
      if (scores[o + j] >= cut[j]) {
        any = true;
        if (t) tp++;
        else fp++;
      }
    }
    if (!any) {
      if (truth[o + best[i]] >= 0.5) tp++;
      else fp++;
    }
  }
  return { tp, fp, fn: positives - tp };
}

/**
 * Index of the best value; among equal values, the grid point closest to `anchor` (the lower one
 * if two are equally close). Validation F1 is flat over whole intervals between observed scores,
 * and staying near the default rather than at an edge of such a plateau is the choice that does
 * not depend on which side of the plateau the grid happened to start.
 */
function bestIndex(values: readonly number[], grid: readonly number[], anchor: number): number {
  let best = 0;
  for (let g = 1; g < values.length; g++) {
    if (values[g] > values[best]) best = g;
    else if (values[g] === values[best]) {
      const distance = Math.abs(grid[g] - anchor);
      const bestDistance = Math.abs(grid[best] - anchor);
      if (distance < bestDistance || (distance === bestDistance && grid[g] < grid[best])) best = g;
    }
  }
  return best;
}

/**
 * The single threshold maximising validation micro F1 under the at-least-one rule. Ties are
 * broken toward 0.5, the threshold a calibrated model would use without tuning.
 */
export function tuneGlobalThreshold(
  truth: Float32Array,
  scores: Float32Array,
  k: number,
  options: { grid?: number[] } = {},
): { threshold: number; microF1: number } {
  return sweepThreshold(truth, scores, k, options.grid ?? defaultGrid(), (cut, t) => cut.fill(t));
}

/**
 * The grid value t whose cut-offs (`fill` writes them into the k-long `cut`) give the highest micro F1
 * under the at-least-one rule; ties toward 0.5. The sweep behind the global and prior-shifted tuners.
 */
function sweepThreshold(
  truth: Float32Array,
  scores: Float32Array,
  k: number,
  grid: readonly number[],
  fill: (cut: Float32Array, t: number) => void,
): { threshold: number; microF1: number } {
  const n = checkShapes(truth, scores, k);
  checkGrid(grid);
  const best = argmaxPerItem(scores, n, k);
  const cut = new Float32Array(k);
  const values = grid.map((t) => {
    fill(cut, t);
    const { tp, fp, fn } = microCounts(truth, scores, n, k, cut, best);
    return f1FromCounts(tp, fp, fn);
  });
  const g = bestIndex(values, grid, 0.5);
  return { threshold: grid[g], microF1: values[g] };
}

/**
 * Training log-odds of each genre, logit((positives + 1) / (n + 2)) (add-one smoothing, so a genre
 * never seen still has a finite prior): the `priorLogOdds` that prior-shifted thresholds move by.
 * @param targets n x k multi-hot training targets.
 * @throws RangeError when targets are not a whole number of rows of k.
 */
export function genrePriorLogOdds(targets: Float32Array, k: number): Float32Array {
  const n = rowsOf(targets.length, k, 'targets');
  const out = new Float32Array(k);
  for (let j = 0; j < k; j++) {
    let positives = 0;
    for (let c = j; c < targets.length; c += k) if (targets[c] >= 0.5) positives++;
    const prior = (positives + 1) / (n + 2);
    out[j] = Math.log(prior / (1 - prior));
  }
  return out;
}

/**
 * Per-genre thresholds t_j = sigmoid(logit(t) + shift * priorLogOdds_j): one global threshold t moved,
 * in log-odds, by a fraction `shift` of each genre's training log-odds, so a rare genre is cut lower
 * than a common one. This is logit adjustment (Menon et al. 2021, "Long-tail learning via logit
 * adjustment", ICLR: subtract tau * log prior from each class's logit) applied to the thresholds
 * instead of the scores, so scores stay calibrated probabilities. shift 0 is the global threshold;
 * shift 1 ranks every genre as if it were as likely as not a priori (scikit-learn's
 * `class_weight='balanced'` moves a logistic regression's intercept about that far).
 * Two free numbers instead of k, so the preference for rare genres that macro-F1 rewards is learned
 * from the training prevalences (thousands of titles) rather than from a rare genre's few
 * validation positives. `t` maximises validation micro-F1 under the at-least-one rule (ties toward
 * 0.5), as `tuneGlobalThreshold` does.
 *
 * @param priorLogOdds k values, `genrePriorLogOdds` of the training targets.
 * @throws RangeError on mismatched shapes or an empty grid.
 */
export function tunePriorShiftedThresholds(
  truth: Float32Array,
  scores: Float32Array,
  k: number,
  priorLogOdds: Float32Array,
  shift: number,
  options: { grid?: number[] } = {},
): { threshold: number; thresholds: number[]; microF1: number } {
  if (priorLogOdds.length !== k) throw new RangeError(`expected ${k} prior log-odds, got ${priorLogOdds.length}`);
  const { threshold, microF1 } = sweepThreshold(truth, scores, k, options.grid ?? defaultGrid(), (cut, t) => cut.set(priorShiftedThresholds(t, priorLogOdds, shift)));
  return { threshold, thresholds: priorShiftedThresholds(threshold, priorLogOdds, shift), microF1 };
}

/** sigmoid(logit(t) + shift * priorLogOdds_j) for each genre j (see `tunePriorShiftedThresholds`). */
export function priorShiftedThresholds(t: number, priorLogOdds: Float32Array, shift: number): number[] {
  const base = Math.log(t / (1 - t));
  return Array.from(priorLogOdds, (l) => 1 / (1 + Math.exp(-(base + shift * l))));
}

/**
 * Per-genre thresholds.
 *
 * Objective: each genre's threshold maximises that genre's own validation F1. The alternative,
 * coordinate ascent on overall micro F1, generalises worse for the genres that need tuning most:
 * a rare genre moves micro F1 by a few cells, so its micro-optimal threshold is chosen by noise and
 * drifts upward (switching a rare genre off costs micro F1 almost nothing), which hurts macro F1.
 * A genre's own F1 is measured on exactly the items that carry information about it. The genres'
 * objectives are then independent, so one pass is the exact optimum of each; the at-least-one
 * rule is left out of the per-genre objective (it only touches items where no genre passes and
 * would couple the genres) but is applied when reporting microF1/macroF1.
 *
 * Regularisation, since a threshold fitted on s validation positives is noisy:
 * - genres with support < minSupport keep `start` (a genre seen twice cannot be tuned);
 * - the others are shrunk toward `start` as a weighted mean with `shrink` pseudo-observations,
 *   t = (s * t_genre + shrink * start) / (s + shrink), so a genre's own evidence wins in
 *   proportion to how much of it there is. `shrink` defaults to minSupport; 0 disables it.
 * - plateau ties go to the grid point closest to `start`.
 *
 * `start` defaults to the tuned global threshold.
 */
export function tunePerGenreThresholds(
  truth: Float32Array,
  scores: Float32Array,
  k: number,
  options: { grid?: number[]; minSupport?: number; start?: number; shrink?: number } = {},
): { thresholds: number[]; microF1: number; macroF1: number } {
  const n = checkShapes(truth, scores, k);
  const grid = options.grid ?? defaultGrid();
  checkGrid(grid);
  const minSupport = options.minSupport ?? 5;
  const shrink = options.shrink ?? minSupport;
  if (shrink < 0) throw new RangeError(`shrink must be >= 0, got ${shrink}`);
  const start = options.start ?? tuneGlobalThreshold(truth, scores, k, { grid }).threshold;
  const cuts = grid.map((t) => Math.fround(t));

  const thresholds: number[] = [];
  for (let j = 0; j < k; j++) {
    let support = 0;
    for (let i = 0; i < n; i++) if (truth[i * k + j] >= 0.5) support++;
    if (support === 0 || support < minSupport) {
      thresholds.push(start);
      continue;
    }
    const values = cuts.map((cut) => {
      let tp = 0;
      let fp = 0;
      for (let i = 0, c = j; i < n; i++, c += k) {
        if (scores[c] >= cut) {
          if (truth[c] >= 0.5) tp++;
          else fp++;
        }
      }
      return f1FromCounts(tp, fp, support - tp);
    });
    const own = grid[bestIndex(values, grid, start)];
    thresholds.push((support * own + shrink * start) / (support + shrink));
  }

  const predicted = applyThresholds(scores, k, thresholds);
  let microTp = 0;
  let microFp = 0;
  let microFn = 0;
  let macroSum = 0;
  for (let j = 0; j < k; j++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0, c = j; i < n; i++, c += k) {
      const t = truth[c] >= 0.5;
      const p = predicted[c] !== 0;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    microTp += tp;
    microFp += fp;
    microFn += fn;
    // Over all k genres, as metrics.ts's macroF1 (sklearn's default).
    macroSum += f1FromCounts(tp, fp, fn);
  }
  return { thresholds, microF1: f1FromCounts(microTp, microFp, microFn), macroF1: macroSum / k };
}

/**
 * Micro precision/recall/F1 at each global threshold of the grid, under the same at-least-one rule
 * the product applies, so the tuned operating point lies on the curve. (Because of that rule,
 * recall flattens at high thresholds instead of falling to 0.) Precision is 0 when nothing is
 * predicted, as sklearn's zero_division=0.
 */
export function precisionRecallCurve(
  truth: Float32Array,
  scores: Float32Array,
  k: number,
  grid: number[] = defaultGrid(),
): { threshold: number; microPrecision: number; microRecall: number; microF1: number }[] {
  const n = checkShapes(truth, scores, k);
  const best = argmaxPerItem(scores, n, k);
  const cut = new Float32Array(k);
  return grid.map((threshold) => {
    cut.fill(threshold);
    const { tp, fp, fn } = microCounts(truth, scores, n, k, cut, best);
    return {
      threshold,
      microPrecision: tp + fp === 0 ? 0 : tp / (tp + fp),
      microRecall: tp + fn === 0 ? 0 : tp / (tp + fn),
      microF1: f1FromCounts(tp, fp, fn),
    };
  });
}
