/**
 * Which columns of a catalogue hold the text, the labels and the id, given by flags
 * (`--text-column`, `--label-column`, `--id-column`, `--label-separator`) or detected from the usual
 * names. The mapping is saved in the model's manifest so that evaluate, predict and serve read later
 * files the same way the training file was read.
 */
import { PlotlineError } from '../util/errors.js';
import type { LabelSeparator } from './labels.js';
import { columnKey, type RecordTable } from './records.js';
import { printable } from './text-decoding.js';

/** Usual names, most specific first (the Netflix export's own name leads). */
export const TEXT_COLUMNS = ['description', 'overview', 'plot', 'summary', 'synopsis', 'text'] as const;
export const LABEL_COLUMNS = ['listed_in', 'genre', 'genres', 'labels', 'tags'] as const;
export const ID_COLUMNS = ['show_id', 'id'] as const;

/**
 * The catalogue fields Plotline uses as model input by default when a training file has them
 * (`--fields` overrides), in this order.
 */
export const CATALOGUE_FIELDS = ['type', 'country', 'rating', 'duration', 'release_year', 'cast', 'director', 'title'] as const;

/**
 * Where a file keeps each thing, by column name (matched trimmed, case-insensitively). Validated, in a
 * manifest, by column-mapping-schema.ts (apart, so that reading input rows does not import zod).
 */
export interface ColumnMapping {
  text: string;
  labels: string | null;
  id: string | null;
  /** null: detect per file (a cell that is a JSON array is always taken as one). */
  labelSeparator: LabelSeparator | null;
}

/**
 * How models saved before the manifest's `catalogue` section existed read a catalogue (the Netflix
 * export's columns): what a file is compared with when such a model says which columns it detected.
 */
export const PRE_CATALOGUE_COLUMNS: ColumnMapping = { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' };

/** What the user said on the command line; every key optional. */
export interface ColumnOptions {
  textColumn?: string;
  labelColumn?: string;
  idColumn?: string;
  labelSeparator?: LabelSeparator;
}

/**
 * Resolves the mapping for one file: a flag names a column that must exist; without one, the first
 * usual name the file has is picked, then (for files read with a saved mapping) the saved name.
 *
 * @param saved the mapping a model was trained with, tried before the usual names.
 * @returns the mapping and one line per column that was detected rather than named by a flag, when
 *   there is no saved mapping ("text: overview (detected)") or the file's differs from it ("text:
 *   overview (detected; the model was trained with column "description")", "id: none (the model was
 *   trained with column "show_id"; ids are row numbers)"); a column found under its saved name gives none.
 * @throws PlotlineError naming the file, its header line and the columns found, when the text (or,
 *   with `requireLabels`, the label) column is missing.
 */
export function resolveColumns(
  table: RecordTable,
  options: ColumnOptions,
  settings: { requireLabels: boolean; saved?: ColumnMapping },
): { mapping: ColumnMapping; picked: string[] } {
  const picked: string[] = [];
  const where = { file: table.file, line: table.headerLine };
  const shown = table.columns.slice(0, 30).map((c) => printable(c, 40));
  const found = `columns found: ${shown.join(', ') || '(none)'}${table.columns.length > 30 ? `, … (${table.columns.length} in all)` : ''}`;
  const pick = (role: string, flag: string, given: string | undefined, saved: string | null | undefined, usual: readonly string[], required: boolean): string | null => {
    if (given !== undefined) {
      if (!table.has(given)) throw new PlotlineError(`${flag} names column "${given}", which the file does not have; ${found}`, { ...where, field: given });
      return table.spelling(given);
    }
    const candidates = saved === undefined || saved === null ? usual : [saved, ...usual];
    const name = candidates.find((c) => table.has(c));
    // What the model's training file had in this role (undefined: no saved mapping to compare with).
    const trained = settings.saved === undefined ? undefined : saved === undefined || saved === null ? `the model's training file had no ${role} column` : `the model was trained with column "${saved}"`;
    if (name !== undefined) {
      const same = saved !== undefined && saved !== null && columnKey(name) === columnKey(saved);
      if (!same) picked.push(`${role}: ${table.spelling(name)} (detected${trained === undefined ? '' : `; ${trained}`})`);
      return table.spelling(name);
    }
    if (!required && role === 'id' && saved !== undefined && saved !== null) picked.push(`id: none (the model was trained with column "${saved}"; ids are row numbers)`);
    if (required) {
      throw new PlotlineError(
        `no ${role} column: expected one named ${[...new Set(candidates)].map((c) => `"${c}"`).join(', ')}, or name it with ${flag}; ${found}`,
        { ...where, field: candidates[0] },
      );
    }
    return null;
  };
  const text = pick('text', '--text-column', options.textColumn, settings.saved?.text, TEXT_COLUMNS, true)!;
  const labels = pick('labels', '--label-column', options.labelColumn, settings.saved?.labels, LABEL_COLUMNS, settings.requireLabels);
  const id = pick('id', '--id-column', options.idColumn, settings.saved?.id, ID_COLUMNS, false);
  const roles = [text, labels, id].filter((c): c is string => c !== null).map((c) => c.toLowerCase());
  if (new Set(roles).size !== roles.length) {
    throw new PlotlineError(`one column cannot be both text, labels and id (text "${text}", labels "${labels}", id "${id}")`, where);
  }
  // The label separator is detected per file unless a flag pins it: a later file may write its
  // labels another way than the training file did.
  return { mapping: { text, labels, id, labelSeparator: options.labelSeparator ?? null }, picked };
}

/**
 * What is wrong with a `--fields` list (names as given) that mixes a keyword with field names:
 * `description` (the description-only model: no catalogue field at all) or `all` (every field) given
 * beside named fields contradicts them, and was read as the named fields alone. Null when the list
 * is one keyword alone, or field names alone (the description is always read by the text model).
 */
export function mixedFieldListProblem(requested: readonly string[]): string | null {
  const names = requested.map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
  for (const keyword of ['description', 'all']) {
    const others = [...new Set(names.filter((f) => f !== keyword))];
    if (!names.includes(keyword) || others.length === 0) continue;
    const meaning = keyword === 'description' ? 'the description-only model, with no catalogue field' : 'every field the file has';
    return (
      `--fields "${requested.join(',')}" mixes "${keyword}" (${meaning}) with field names (${others.join(', ')}); ` +
      `give --fields ${keyword} alone, or the fields alone (--fields ${others.join(',')}${keyword === 'description' ? ': the text model reads the description anyway' : ''})`
    );
  }
  return null;
}

/**
 * The catalogue fields a model will read, from `--fields`: undefined means the usual catalogue
 * fields the file has (CATALOGUE_FIELDS); `description` (alone) or an empty list means none, the
 * description-only model of the 2020 write-up; `all` means every field column of the file.
 *
 * @param available the file's field columns (lower-case).
 * @param roles the file's text, label and id columns, which are not fields: naming one is an error
 *   that says which role it has (rather than that the file lacks it).
 * @throws PlotlineError naming the role of a text, label or id column given as a field, listing
 *   the file's fields when a named field is not one of them, and for a list mixing `description` or
 *   `all` with field names (`mixedFieldListProblem`).
 */
export function resolveFieldList(requested: readonly string[] | undefined, available: readonly string[], file: string, roles?: ColumnMapping): string[] {
  if (requested !== undefined && roles !== undefined) {
    const role = (name: string): string | null => {
      if (roles.labels !== null && columnKey(roles.labels) === name) return `the label column (it holds the genres the model learns)`;
      if (roles.id !== null && columnKey(roles.id) === name) return `the id column (one value per title, nothing to learn from)`;
      // `description` is the keyword for the description-only model, whatever the text column is called.
      if (columnKey(roles.text) === name && name !== 'description') return `the text column (the text model reads it already)`;
      return null;
    };
    for (const name of requested.map(columnKey)) {
      const what = role(name);
      if (what !== null) throw new PlotlineError(`--fields names "${name}", which is ${what}, so it cannot be a field; the file's fields: ${available.join(', ') || '(none)'}`, { file, field: name });
    }
  }
  if (requested === undefined) return CATALOGUE_FIELDS.filter((f) => available.includes(f));
  const mixed = mixedFieldListProblem(requested);
  if (mixed !== null) throw new PlotlineError(mixed, { file });
  const names = requested.map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
  if (names.length === 0 || (names.length === 1 && names[0] === 'description')) return [];
  if (names.length === 1 && names[0] === 'all') return [...available];
  const unknown = names.filter((f) => f !== 'description' && !available.includes(f));
  if (unknown.length > 0) {
    throw new PlotlineError(`--fields names ${unknown.map((f) => `"${f}"`).join(', ')}, which the file does not have; its fields: ${available.join(', ') || '(none)'}`, {
      file,
      field: unknown[0],
    });
  }
  return [...new Set(names.filter((f) => f !== 'description'))];
}
