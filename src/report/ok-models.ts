/**
 * The models that produced scores. A failed model has only a name, a kind and an error; every table
 * column and chart that needs scores reads them through this filter so a failure can never break it.
 */
import type { ComparedModel, CompareReport } from './report-data.js';

export type ScoredModel = ComparedModel & { status: 'ok'; test: NonNullable<ComparedModel['test']> };

export function isScored(model: ComparedModel): model is ScoredModel {
  return model.status === 'ok' && model.test !== undefined;
}

/** Scored models in report order (the order `plotline compare` ran them, which the reader chose). */
export function scoredModels(report: CompareReport): ScoredModel[] {
  return report.models.filter(isScored);
}
