/**
 * Every check `predict --input` makes of an input file's rows while they stream past, in one place so
 * that scoring here (score-file.ts) and on a queue (../distributed/coordinator.ts) warn alike: rows
 * without any field the model reads (fieldless-rows.ts), family values the genre rules do not know
 * (unknown-families.ts), field values the model cannot use (field-value-problems.ts), repeated ids
 * (duplicate-ids.ts) and blank ids (blank-ids.ts). The rows pass through unchanged and in order.
 */
import type { PredictionInputRow } from '../data/prediction-input.js';
import type { FieldValueProblem, FieldValues } from '../models/genre-model.js';
import type { GenreRules } from '../models/genre-rules.js';
import { watchBlankIds, type BlankIds } from './blank-ids.js';
import { watchDuplicateIds, type DuplicateIds } from './duplicate-ids.js';
import { watchFieldValues, type FieldValueProblems } from './field-value-problems.js';
import { watchFieldlessRows, type FieldlessRows, type ReadsFields } from './fieldless-rows.js';
import { watchUnknownFamilies, type UnknownFamilies } from './unknown-families.js';

/** What the checks found; filled in as the rows are read, complete once they all have been. */
export interface InputFindings {
  fieldless: FieldlessRows;
  unknownFamilies: UnknownFamilies;
  fieldValues: FieldValueProblems;
  duplicateIds: DuplicateIds;
  blankIds: BlankIds;
}

/**
 * Passes `rows` through every check.
 * @param fields the catalogue fields the model reads (none: no fieldless count).
 * @param rules the model's genre-set rules, or null.
 * @param checkFields the model's (or its field vectorizer's) field-value check, or null for none.
 * @param readsFields whether the model reads anything from a row's fields (GenreModel.readsFieldsOf,
 *   storage.ts readFieldChecks' `uses`), so rows with only unusable values count as fieldless; null: any value counts.
 */
export function watchInputRows(
  rows: AsyncIterable<PredictionInputRow>,
  fields: readonly string[],
  rules: GenreRules | null,
  checkFields: ((fields: FieldValues | undefined) => FieldValueProblem[]) | null,
  readsFields: ReadsFields | null = null,
): { rows: AsyncGenerator<PredictionInputRow>; found: InputFindings } {
  const bare = watchFieldlessRows(rows, fields, readsFields);
  const families = watchUnknownFamilies(bare.rows, rules);
  const checked = watchFieldValues(families.rows, checkFields);
  const watched = watchDuplicateIds(checked.rows);
  const blank = watchBlankIds(watched.rows);
  return { rows: blank.rows, found: { fieldless: bare.found, unknownFamilies: families.found, fieldValues: checked.found, duplicateIds: watched.found, blankIds: blank.found } };
}
