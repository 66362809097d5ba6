/**
 * Scores -> the numbers Plotline reports for a model on a labelled set: all metrics at the fixed 0.5
 * threshold and at the model's tuned thresholds, and a bootstrap interval for micro-F1.
 */
import { computeMetrics, bootstrapMicroF1, type MultiLabelMetrics } from './metrics.js';
import { applyThresholds } from '../models/thresholds.js';

export interface Evaluation {
  atHalf: MultiLabelMetrics;
  tuned: MultiLabelMetrics;
  /** 95% bootstrap interval of micro-F1 at the tuned thresholds. */
  microF1Interval: { low: number; high: number };
}

/**
 * Evaluates n x k scores against n x k 0/1 truth.
 *
 * @param scores what the decisions are taken from: for a model with genre-set rules, its scores with the rules applied
 *   (the cap choosing by `thresholds`, genre-rules.ts `capRow`; the fixed-0.5 metrics are taken on these same scores).
 * @param rankingScores what precision@k, LRAP and ROC-AUC rank (default `scores`): give the scores
 *   before the rules, which set the genres they rule out (other family, past the cap) to an equal 0
 *   and so would turn the ranking below the top few into ties.
 * @param globalScores what the fixed-0.5 metrics decide on (default `scores`): for a model with
 *   genre-set rules, the scores with the rules applied as any global threshold decides
 *   (`GenreModel.constrainForGlobalThresholds`: the cap keeps the most probable genres), since the
 *   cap in `scores` chose among the genres passing `thresholds`, not 0.5.
 * @throws RangeError when the shapes differ.
 */
export function evaluateScores(
  truth: Float32Array,
  scores: Float32Array,
  genres: readonly string[],
  thresholds: number | number[],
  seed: number,
  rankingScores: Float32Array = scores,
  globalScores: Float32Array = scores,
): Evaluation {
  const k = genres.length;
  const tunedDecisions = applyThresholds(scores, k, thresholds);
  const interval = bootstrapMicroF1(truth, tunedDecisions, k, { seed, samples: 1000 });
  return {
    atHalf: computeMetrics(truth, rankingScores, applyThresholds(globalScores, k, 0.5), genres),
    tuned: computeMetrics(truth, rankingScores, tunedDecisions, genres),
    microF1Interval: { low: interval.low, high: interval.high },
  };
}

/** The headline numbers, flat, for manifests and tables. */
export function summarise(evaluation: Evaluation): Record<string, number | null> {
  const { atHalf, tuned, microF1Interval } = evaluation;
  return {
    count: tuned.count,
    microF1: tuned.microF1,
    macroF1: tuned.macroF1,
    samplesF1: tuned.samplesF1,
    microPrecision: tuned.microPrecision,
    microRecall: tuned.microRecall,
    microF1Low: microF1Interval.low,
    microF1High: microF1Interval.high,
    microF1AtHalf: atHalf.microF1,
    macroF1AtHalf: atHalf.macroF1,
    subsetAccuracy: tuned.subsetAccuracy,
    hammingLoss: tuned.hammingLoss,
    precisionAt1: tuned.precisionAt1,
    precisionAt3: tuned.precisionAt3,
    lrap: tuned.lrap,
    macroAuc: tuned.macroAuc,
  };
}
