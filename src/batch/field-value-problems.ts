/**
 * Out-of-range catalogue field values in a `predict --input` file (`release_year=99999999999999999999`,
 * `duration=-90 min`): the model reads them as missing (src/models/fields/field-vectorizer.ts
 * `plausibleRange`) instead of putting them in its top or bottom bucket. Every such row is scored; the
 * user is told once per field, with the count and the first row's line and value.
 */
import type { PredictionInputRow } from '../data/prediction-input.js';
import type { FieldValueProblem, FieldValues } from '../models/genre-model.js';

/** Per field: rows with an out-of-range value, and the first of them. */
export type FieldValueProblems = Map<string, { count: number; line: number; value: string; expected: string }>;

/**
 * Passes `rows` through unchanged, recording into the returned `found` (per field) the rows whose
 * values `check` finds out of range. `check` is the model's (GenreModel.fieldValueProblems) or its
 * field vectorizer's.
 */
export function watchFieldValues(
  rows: AsyncIterable<PredictionInputRow>,
  check: ((fields: FieldValues | undefined) => FieldValueProblem[]) | null,
): { rows: AsyncGenerator<PredictionInputRow>; found: FieldValueProblems } {
  const found: FieldValueProblems = new Map();
  async function* watched(): AsyncGenerator<PredictionInputRow> {
    for await (const row of rows) {
      if (check !== null && row.fields !== undefined) {
        for (const problem of check(row.fields)) {
          const seen = found.get(problem.field);
          if (seen === undefined) found.set(problem.field, { count: 1, line: row.line, value: problem.value, expected: problem.expected });
          else seen.count += 1;
        }
      }
      yield row;
    }
  }
  return { rows: watched(), found };
}

/** One warning per field of `found` in `file` (none when every value was in range). */
export function fieldValueWarnings(found: FieldValueProblems, file: string): string[] {
  return [...found.entries()].map(
    ([field, { count, line, value, expected }]) =>
      `${count} row(s) of ${file} have a ${field} out of range (first: line ${line}, ${field}=${JSON.stringify(value)}; expected ${expected}); ` +
      `scored as if ${field} were missing`,
  );
}
