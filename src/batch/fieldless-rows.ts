/**
 * Counts the rows of a `predict --input` file that have none of the model's fields: a model that reads
 * catalogue fields scores them from the description alone (logit-fusion.ts), which the user is told
 * once per file (src/cli/fieldless-warning.ts).
 */
import type { PredictionInputRow } from '../data/prediction-input.js';

export interface FieldlessRows {
  /** Rows without a value for any of the fields. */
  count: number;
  /** Rows seen. */
  rows: number;
}

/** Whether `values` has a non-blank value for at least one of `fields`. */
export function hasAnyField(values: Readonly<Record<string, string>> | undefined, fields: readonly string[]): boolean {
  return fields.some((name) => (values?.[name] ?? '').trim() !== '');
}

/** Passes `rows` through unchanged, counting into `found`; with no fields (a description-only model) nothing is counted. */
export function watchFieldlessRows(rows: AsyncIterable<PredictionInputRow>, fields: readonly string[]): { rows: AsyncGenerator<PredictionInputRow>; found: FieldlessRows } {
  const found: FieldlessRows = { count: 0, rows: 0 };
  async function* watched(): AsyncGenerator<PredictionInputRow> {
    for await (const row of rows) {
      if (fields.length > 0) {
        found.rows += 1;
        if (!hasAnyField(row.fields, fields)) found.count += 1;
      }
      yield row;
    }
  }
  return { rows: watched(), found };
}
