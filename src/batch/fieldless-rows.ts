/**
 * Counts the rows of a `predict --input` file that give the model nothing from their fields: none of
 * its fields, or only values it drops (a category unseen in training, a number out of range). A model
 * that reads catalogue fields scores them from the description alone (logit-fusion.ts), which the user
 * is told once per file (src/cli/fieldless-warning.ts).
 */
import type { PredictionInputRow } from '../data/prediction-input.js';
import type { FieldValues } from '../models/genre-model.js';

export interface FieldlessRows {
  /** Rows from whose fields the model reads nothing (no value for any of them, or only unusable ones). */
  count: number;
  /** Rows seen. */
  rows: number;
  /** Of `count`, the rows that had values, none of which the model can use. */
  unusable: number;
}

/** Whether the model reads anything from a row's fields (GenreModel.readsFieldsOf, or storage.ts readFieldChecks' `uses`). */
export type ReadsFields = (fields: FieldValues | undefined) => boolean;

/** Whether `values` has a non-blank value for at least one of `fields`. */
export function hasAnyField(values: Readonly<Record<string, string>> | undefined, fields: readonly string[]): boolean {
  return fields.some((name) => (values?.[name] ?? '').trim() !== '');
}

/**
 * What a title's fields give the model: `none` (no value for any of `fields`), `unusable` (values, none
 * of which `reads` takes), or `read`. Without `reads`, any non-blank value counts as read.
 */
export function fieldUse(values: FieldValues | undefined, fields: readonly string[], reads: ReadsFields | null): 'none' | 'unusable' | 'read' {
  if (!hasAnyField(values, fields)) return 'none';
  return reads !== null && !reads(values) ? 'unusable' : 'read';
}

/**
 * Passes `rows` through unchanged, counting into `found`; with no fields (a description-only model) nothing is counted.
 * @param reads the model's own test of a row's values (null: any non-blank value of `fields` counts as read).
 */
export function watchFieldlessRows(
  rows: AsyncIterable<PredictionInputRow>,
  fields: readonly string[],
  reads: ReadsFields | null = null,
): { rows: AsyncGenerator<PredictionInputRow>; found: FieldlessRows } {
  const found: FieldlessRows = { count: 0, rows: 0, unusable: 0 };
  async function* watched(): AsyncGenerator<PredictionInputRow> {
    for await (const row of rows) {
      if (fields.length > 0) {
        found.rows += 1;
        const use = fieldUse(row.fields, fields, reads);
        if (use !== 'read') found.count += 1;
        if (use === 'unusable') found.unusable += 1;
      }
      yield row;
    }
  }
  return { rows: watched(), found };
}
