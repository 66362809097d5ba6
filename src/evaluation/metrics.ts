/**
 * Multi-label evaluation metrics, defined as scikit-learn defines them so numbers reported by
 * Plotline can be compared with the usual Python baselines.
 *
 * Matrices are flat row-major: `truth` (0/1), `scores` (probabilities) and `predicted` (0/1) are
 * all n x k. A truth cell counts as positive when it is >= 0.5, so a matrix that has been through
 * label smoothing by mistake still evaluates against the intended labels.
 */
import { createRng } from '../util/random.js';
import { f1FromCounts } from './label-matrix.js';
import { rowsOf } from '../util/row-matrix.js';

export interface GenreMetrics {
  genre: string;
  precision: number;
  recall: number;
  f1: number;
  /** Items whose true labels include this genre. */
  support: number;
  /** Items the model assigned this genre to. */
  predicted: number;
  /** ROC-AUC of this genre's scores; null when the column is all 0 or all 1 (AUC undefined). */
  auc: number | null;
}

export interface MultiLabelMetrics {
  microF1: number;
  microPrecision: number;
  microRecall: number;
  /** Mean F1 over ALL genres, zero-support ones included (scoring 0), as sklearn's average='macro'. */
  macroF1: number;
  /** Mean F1 over genres with support > 0 only: what macro F1 means when the test set lacks a genre. */
  macroF1Supported: number;
  samplesF1: number;
  subsetAccuracy: number;
  hammingLoss: number;
  precisionAt1: number;
  precisionAt3: number;
  lrap: number;
  /** Mean ROC-AUC over genres where it is defined; null when it is defined for none. */
  macroAuc: number | null;
  perGenre: GenreMetrics[];
  /** Number of items evaluated. */
  count: number;
}

function checkSame(length: number, expected: number, name: string): void {
  if (length !== expected) throw new RangeError(`${name} has ${length} cells, expected ${expected}`);
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Per-genre tp/fp/fn counts: the one pass every F1 variant is built from. */
function genreCounts(truth: Float32Array, predicted: Uint8Array, k: number) {
  const n = rowsOf(truth.length, k, 'truth');
  checkSame(predicted.length, truth.length, 'predicted');
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  for (let i = 0, o = 0; i < n; i++, o += k) {
    for (let j = 0; j < k; j++) {
      const t = truth[o + j] >= 0.5;
      const p = predicted[o + j] !== 0;
      if (t && p) tp[j]++;
      else if (p) fp[j]++;
      else if (t) fn[j]++;
    }
  }
  return { n, tp, fp, fn };
}

/** Micro-averaged F1 (all cells pooled). Allocation-light: it runs every epoch for early stopping. */
export function microF1(truth: Float32Array, predicted: Uint8Array, k: number): number {
  rowsOf(truth.length, k, 'truth');
  checkSame(predicted.length, truth.length, 'predicted');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let c = 0; c < truth.length; c++) {
    const t = truth[c] >= 0.5;
    const p = predicted[c] !== 0;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return f1FromCounts(tp, fp, fn);
}

/**
 * Macro-averaged F1 over all k genres. A genre with no support and no predictions scores 0 and
 * still counts in the mean, matching sklearn's default (zero_division=0, labels = all columns).
 */
export function macroF1(truth: Float32Array, predicted: Uint8Array, k: number): number {
  const { tp, fp, fn } = genreCounts(truth, predicted, k);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += f1FromCounts(tp[j], fp[j], fn[j]);
  return sum / k;
}

/**
 * ROC-AUC of one column via the Mann-Whitney U statistic with average ranks for tied scores, which
 * is exactly the area under sklearn's trapezoidal ROC curve (a tied positive/negative pair counts
 * 1/2). Null when the column has no positives or no negatives.
 */
function columnAuc(truth: Float32Array, scores: Float32Array, n: number, k: number, j: number): number | null {
  const order = new Array<number>(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (truth[i * k + j] >= 0.5) positives++;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  order.sort((a, b) => scores[a * k + j] - scores[b * k + j]);
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    const value = scores[order[start] * k + j];
    let end = start + 1;
    while (end < n && scores[order[end] * k + j] === value) end++;
    // Ranks start+1..end share their mean.
    const averageRank = (start + 1 + end) / 2;
    for (let r = start; r < end; r++) if (truth[order[r] * k + j] >= 0.5) positiveRankSum += averageRank;
    start = end;
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}

/**
 * Label ranking average precision of one item, as sklearn's label_ranking_average_precision_score:
 * for each true label j, (true labels scoring >= s_j) / (labels scoring >= s_j), averaged. Ties
 * therefore count against the item (rank "max"). An item whose labels are all true or all false
 * scores 1, as in sklearn, since no ranking can be wrong.
 */
function itemLrap(truth: Float32Array, scores: Float32Array, o: number, k: number): number {
  let relevant = 0;
  for (let j = 0; j < k; j++) if (truth[o + j] >= 0.5) relevant++;
  if (relevant === 0 || relevant === k) return 1;
  let sum = 0;
  for (let j = 0; j < k; j++) {
    if (truth[o + j] < 0.5) continue;
    const s = scores[o + j];
    let rank = 0;
    let relevantRank = 0;
    for (let l = 0; l < k; l++) {
      if (scores[o + l] >= s) {
        rank++;
        if (truth[o + l] >= 0.5) relevantRank++;
      }
    }
    sum += relevantRank / rank;
  }
  return sum / relevant;
}

/**
 * Number of true labels among an item's `depth` highest scores. Equal scores are taken in column
 * order (lower index first) so the result is deterministic; sklearn has no P@k to copy here.
 */
function trueInTop(truth: Float32Array, scores: Float32Array, o: number, k: number, depth: number): number {
  const top: number[] = [];
  for (let j = 0; j < k; j++) {
    const s = scores[o + j];
    // Insert j keeping `top` sorted by descending score; strict > keeps earlier columns ahead on ties.
    let at = top.length;
    while (at > 0 && s > scores[o + top[at - 1]]) at--;
    if (at < depth) {
      top.splice(at, 0, j);
      if (top.length > depth) top.pop();
    }
  }
  let hits = 0;
  for (const j of top) if (truth[o + j] >= 0.5) hits++;
  return hits;
}

/** All reported metrics for one evaluation split. `genres` names the k columns, in order. */
export function computeMetrics(
  truth: Float32Array,
  scores: Float32Array,
  predicted: Uint8Array,
  genres: readonly string[],
): MultiLabelMetrics {
  const k = genres.length;
  const n = rowsOf(truth.length, k, 'truth');
  checkSame(scores.length, truth.length, 'scores');
  checkSame(predicted.length, truth.length, 'predicted');

  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  let samplesF1Sum = 0;
  let exactMatches = 0;
  let mismatches = 0;
  let top1 = 0;
  let top3 = 0;
  let lrapSum = 0;
  // P@3 divides by 3 as the brief defines it; with fewer than 3 genres it divides by k so a
  // perfect ranking can still reach its maximum.
  const depth3 = Math.min(3, k);

  for (let i = 0, o = 0; i < n; i++, o += k) {
    let itemTp = 0;
    let itemFp = 0;
    let itemFn = 0;
    for (let j = 0; j < k; j++) {
      const t = truth[o + j] >= 0.5;
      const p = predicted[o + j] !== 0;
      if (t && p) {
        tp[j]++;
        itemTp++;
      } else if (p) {
        fp[j]++;
        itemFp++;
      } else if (t) {
        fn[j]++;
        itemFn++;
      }
    }
    // An item with no true and no predicted labels gets F1 0 (sklearn, zero_division=0); Plotline
    // items always have >= 1 genre and >= 1 prediction, so this only matters for synthetic data.
    samplesF1Sum += f1FromCounts(itemTp, itemFp, itemFn);
    if (itemFp + itemFn === 0) exactMatches++;
    mismatches += itemFp + itemFn;
    top1 += trueInTop(truth, scores, o, k, 1);
    top3 += trueInTop(truth, scores, o, k, depth3) / depth3;
    lrapSum += itemLrap(truth, scores, o, k);
  }

  const perGenre: GenreMetrics[] = [];
  let microTp = 0;
  let microFp = 0;
  let microFn = 0;
  let macroSum = 0;
  let supportedSum = 0;
  let supportedGenres = 0;
  let aucSum = 0;
  let aucGenres = 0;
  for (let j = 0; j < k; j++) {
    const f1 = f1FromCounts(tp[j], fp[j], fn[j]);
    const support = tp[j] + fn[j];
    const auc = columnAuc(truth, scores, n, k, j);
    perGenre.push({
      genre: genres[j],
      precision: ratio(tp[j], tp[j] + fp[j]),
      recall: ratio(tp[j], support),
      f1,
      support,
      predicted: tp[j] + fp[j],
      auc,
    });
    microTp += tp[j];
    microFp += fp[j];
    microFn += fn[j];
    // Macro F1 includes zero-support genres as 0, like sklearn's default, so Plotline's headline
    // number is comparable with sklearn baselines; macroF1Supported is the split-robust variant.
    macroSum += f1;
    if (support > 0) {
      supportedSum += f1;
      supportedGenres++;
    }
    if (auc !== null) {
      aucSum += auc;
      aucGenres++;
    }
  }

  return {
    microF1: f1FromCounts(microTp, microFp, microFn),
    microPrecision: ratio(microTp, microTp + microFp),
    microRecall: ratio(microTp, microTp + microFn),
    macroF1: macroSum / k,
    macroF1Supported: ratio(supportedSum, supportedGenres),
    samplesF1: ratio(samplesF1Sum, n),
    subsetAccuracy: ratio(exactMatches, n),
    hammingLoss: ratio(mismatches, n * k),
    precisionAt1: ratio(top1, n),
    precisionAt3: ratio(top3, n),
    lrap: ratio(lrapSum, n),
    // sklearn's roc_auc_score(average='macro') raises when any column is single-class; averaging
    // the defined ones instead lets a test split that misses a rare genre still report AUC.
    macroAuc: aucGenres === 0 ? null : aucSum / aucGenres,
    perGenre,
    count: n,
  };
}

/** Linear-interpolation quantile of sorted values (numpy's default "linear" method). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * Percentile bootstrap interval for micro F1: resample items with replacement `samples` times and
 * take the (1-c)/2 and (1+c)/2 quantiles of the resampled micro F1s. `mean` is the mean of the
 * resampled values. Items are the resampling unit because labels within an item are correlated.
 * Per-item tp/fp/fn are counted once, so each replicate costs n random draws and additions.
 */
export function bootstrapMicroF1(
  truth: Float32Array,
  predicted: Uint8Array,
  k: number,
  options: { samples?: number; seed: number; confidence?: number },
): { low: number; high: number; mean: number } {
  const n = rowsOf(truth.length, k, 'truth');
  checkSame(predicted.length, truth.length, 'predicted');
  const samples = options.samples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`samples must be a positive integer, got ${samples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (n === 0) return { low: 0, high: 0, mean: 0 };

  const itemTp = new Int32Array(n);
  const itemErrors = new Int32Array(n); // fp + fn: F1 = 2tp / (2tp + fp + fn) only needs their sum
  for (let i = 0, o = 0; i < n; i++, o += k) {
    for (let j = 0; j < k; j++) {
      const t = truth[o + j] >= 0.5;
      const p = predicted[o + j] !== 0;
      if (t && p) itemTp[i]++;
      else if (t || p) itemErrors[i]++;
    }
  }

  const rng = createRng(options.seed);
  const values = new Float64Array(samples);
  let total = 0;
  for (let b = 0; b < samples; b++) {
    let tp = 0;
    let errors = 0;
    for (let d = 0; d < n; d++) {
      const i = rng.int(n);
      tp += itemTp[i];
      errors += itemErrors[i];
    }
    const f1 = f1FromCounts(tp, errors, 0);
    values[b] = f1;
    total += f1;
  }
  values.sort();
  return {
    low: quantileSorted(values, (1 - confidence) / 2),
    high: quantileSorted(values, (1 + confidence) / 2),
    mean: total / samples,
  };
}
