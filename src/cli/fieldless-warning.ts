/**
 * Says when a model that reads catalogue fields is given titles without any of them: those titles are
 * scored from the description alone (the fusion's field-less weights, logit-fusion.ts), which a user
 * comparing with the README's fielded scores should know.
 */
import type { FieldValues } from '../models/genre-model.js';
import { hasAnyField } from '../batch/fieldless-rows.js';

/**
 * @param modelFields the fields the model reads (lower-case), empty for a description-only model.
 * @param rows each title's fields (undefined: none).
 * @param source how the titles came, for the message ("in titles.csv", "on the command line").
 * @returns one warning line, or null when every title has at least one of the fields (or the model reads none).
 */
export function fieldlessWarning(modelFields: readonly string[], rows: readonly (FieldValues | undefined)[], source: string): string | null {
  const without = rows.filter((fields) => !hasAnyField(fields, modelFields)).length;
  return fieldlessCountWarning(modelFields, without, rows.length, source);
}

/** As fieldlessWarning, from counts: `without` of `total` titles have none of the fields. */
export function fieldlessCountWarning(modelFields: readonly string[], without: number, total: number, source: string): string | null {
  if (modelFields.length === 0 || total === 0 || without === 0) return null;
  const count = without === total ? (total === 1 ? 'the title has' : `all ${total} titles have`) : `${without} of ${total} titles have`;
  const fix = source === 'on the command line' ? ' (give them with --field NAME=VALUE)' : '';
  return `the model reads ${modelFields.join(', ')}; ${count} none of them ${source}${fix}: scored from the description alone, close to what a model trained with --fields description gives`;
}
