/**
 * Says when a model that reads catalogue fields is given titles without any of them: those titles are
 * scored from the description alone (the fusion's field-less weights, logit-fusion.ts), which a user
 * comparing with the README's fielded scores should know.
 */
import type { FieldValues } from '../models/genre-model.js';

/**
 * @param modelFields the fields the model reads (lower-case), empty for a description-only model.
 * @param rows each title's fields (undefined: none).
 * @param source how the titles came, for the message ("in titles.csv", "on the command line").
 * @returns one warning line, or null when every title has at least one of the fields (or the model reads none).
 */
export function fieldlessWarning(modelFields: readonly string[], rows: readonly (FieldValues | undefined)[], source: string): string | null {
  if (modelFields.length === 0 || rows.length === 0) return null;
  const without = rows.filter((fields) => !modelFields.some((name) => (fields?.[name] ?? '').trim() !== '')).length;
  if (without === 0) return null;
  const count = without === rows.length ? (rows.length === 1 ? 'the title has' : `all ${rows.length} titles have`) : `${without} of ${rows.length} titles have`;
  const fix = source === 'on the command line' ? ' (give them with --field NAME=VALUE)' : '';
  return `the model reads ${modelFields.join(', ')}; ${count} none of them ${source}${fix}: scored from the description alone, close to what a model trained with --fields description gives`;
}
