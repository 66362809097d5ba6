/**
 * Says when a model that reads catalogue fields is given titles without any of them: those titles are
 * scored from the description alone (the fusion's field-less weights, logit-fusion.ts), which a user
 * comparing with the README's fielded scores should know.
 */
import type { FieldValues } from '../models/genre-model.js';
import { fieldUse, type ReadsFields } from '../batch/fieldless-rows.js';

/**
 * @param modelFields the fields the model reads (lower-case), empty for a description-only model.
 * @param rows each title's fields (undefined: none).
 * @param source how the titles came, for the message ("in titles.csv", "on the command line").
 * @param reads the model's test of a title's values (GenreModel.readsFieldsOf), so that titles whose
 *   only values are ones it drops (unseen in training, out of range) count too; without it any
 *   non-blank value counts as read.
 * @returns one warning line, or null when every title gives the model at least one field value (or the model reads none).
 */
export function fieldlessWarning(modelFields: readonly string[], rows: readonly (FieldValues | undefined)[], source: string, reads?: ReadsFields): string | null {
  let without = 0;
  let unusable = 0;
  for (const fields of rows) {
    const use = fieldUse(fields, modelFields, reads ?? null);
    if (use !== 'read') without += 1;
    if (use === 'unusable') unusable += 1;
  }
  return fieldlessCountWarning(modelFields, without, rows.length, source, unusable);
}

/**
 * As fieldlessWarning, from counts: `without` of `total` titles give the model nothing from their
 * fields, `unusable` of them because every value they have is one the model drops.
 */
export function fieldlessCountWarning(modelFields: readonly string[], without: number, total: number, source: string, unusable = 0): string | null {
  if (modelFields.length === 0 || total === 0 || without === 0) return null;
  const count = without === total ? (total === 1 ? 'the title has' : `all ${total} titles have`) : `${without} of ${total} titles have`;
  const fix = source === 'on the command line' && unusable < without ? ' (give them with --field NAME=VALUE)' : '';
  const none = unusable === 0 ? 'none of them' : 'no value of them that the model can use';
  const why = unusable === 0 ? '' : ` (${unusable === without ? (without === 1 ? 'its values were' : 'their values were') : `${unusable} of them had values`} not seen in training or out of range)`;
  return `the model reads ${modelFields.join(', ')}; ${count} ${none} ${source}${why}${fix}: scored from the description alone, close to what a model trained with --fields description gives`;
}

/**
 * Says when the file has no column at all for some fields the model reads (`absent`, from
 * inputColumns' absentFields or the file's field names): every title is scored as if they were missing, which
 * lowers the scores of a model trained with them; the row counts of fieldlessWarning cannot show it
 * while other fields are present.
 * @param modelFields the fields the model reads (lower-case); @param absent those the file lacks.
 * @returns one warning line, or null when the file has a column for every field the model reads.
 */
export function absentFieldsWarning(modelFields: readonly string[], absent: readonly string[], file: string): string | null {
  if (absent.length === 0) return null;
  const which = absent.length === modelFields.length ? `any of them` : `${absent.join(', ')} (${absent.length} of ${modelFields.length})`;
  return `the model reads ${modelFields.join(', ')}; ${file} has no column for ${which}: every title is scored as if ${absent.length === 1 ? 'it were' : 'they were'} missing`;
}
