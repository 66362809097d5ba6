/**
 * Catalogue field values the model cannot use (src/models/fields/field-vectorizer.ts `valueProblems`):
 * not a number where one is read (`release_year=abc`), or out of range (`release_year=99999999999999999999`,
 * `duration=-90 min`, rather than the top or bottom bucket). The model reads them as missing and every
 * title is scored; the user is told the same way on every path: a `predict --input` or `--queue` file
 * once per field and problem, with the count and the first row's line and value (`fieldValueWarnings`);
 * a title given by itself (`--field`, the API's `fields`) once per value (`fieldValueWarning`).
 */
import type { PredictionInputRow } from '../data/prediction-input.js';
import type { FieldValueProblem, FieldValues } from '../models/genre-model.js';

/** Per field and problem (`FieldValueProblem.reason`): rows with such a value, and the first of them. */
export type FieldValueProblems = Map<string, { field: string; reason: string; count: number; line: number; value: string; expected: string }>;

/**
 * Passes `rows` through unchanged, recording into the returned `found` (per field) the rows whose
 * values `check` finds out of range. `check` is the model's (GenreModel.fieldValueProblems) or its
 * field vectorizer's.
 */
export function watchFieldValues<Row extends Pick<PredictionInputRow, 'line' | 'fields'>>(
  rows: AsyncIterable<Row> | Iterable<Row>,
  check: ((fields: FieldValues | undefined) => FieldValueProblem[]) | null,
): { rows: AsyncGenerator<Row>; found: FieldValueProblems } {
  const found: FieldValueProblems = new Map();
  async function* watched(): AsyncGenerator<Row> {
    for await (const row of rows) {
      if (check !== null && row.fields !== undefined) {
        for (const problem of check(row.fields)) {
          const key = `${problem.field}\u0000${problem.reason}`;
          const seen = found.get(key);
          if (seen === undefined) found.set(key, { field: problem.field, reason: problem.reason, count: 1, line: row.line, value: problem.value, expected: problem.expected });
          else seen.count += 1;
        }
      }
      yield row;
    }
  }
  return { rows: watched(), found };
}

/** One warning per field and problem of `found` in `file` (none when every value was usable). */
export function fieldValueWarnings(found: FieldValueProblems, file: string): string[] {
  return [...found.values()].map(
    ({ field, reason, count, line, value, expected }) =>
      `${count} row(s) of ${file} have a ${field} ${reason === 'out of range' ? reason : `that is ${reason}`} (first: line ${line}, ${field}=${JSON.stringify(value)}; expected ${expected}); ` +
      `scored as if ${field} were missing`,
  );
}

/**
 * The warning for one title's unusable field value, named as the caller's input names it: `--field
 * release_year` gives `--field release_year="abc" is not a number (expected a number from ...); scored
 * as if release_year were missing`.
 */
export function fieldValueWarning(problem: FieldValueProblem, name: string): string {
  return `${name}=${JSON.stringify(problem.value)} is ${problem.reason} (expected ${problem.expected}); scored as if ${problem.field} were missing`;
}
