/**
 * One genre order for the per-genre table and every per-genre chart: most training titles first, as
 * frequent genres dominate micro-F1 and are what a reader checks first; code-point order of the names
 * breaks ties so two runs of the same report give the same order on every machine.
 */
import type { CompareReport } from './report-data.js';
import { compareCodePoints } from '../util/strings.js';

/** Indices into `report.genres`, most frequent in the training fold first. */
export function genresByTrainFrequency(report: CompareReport): number[] {
  const train = report.genreCounts.train;
  return report.genres
    .map((_, index) => index)
    .sort((a, b) => (train[b] ?? 0) - (train[a] ?? 0) || compareCodePoints(report.genres[a], report.genres[b]));
}
