/**
 * Reading a labelled catalogue in any layout (netflix_titles.csv, a TSV export with `genre`, JSON
 * Lines with label arrays, ...): each title's text, labels, id and every other field it has.
 */
import { PlotlineError } from '../util/errors.js';
import { hasWords, noWordsMessage } from '../text/tokenizer.js';
import { problemError, duplicateIdError, type RowProblem } from './csv.js';
import { columnKey, openRecords, roundedIdProblem, textOf, type FileFormat } from './records.js';
import { resolveColumns, type ColumnMapping, type ColumnOptions } from './columns.js';
import { detectLabelSeparator, reconcileLabels, splitLabels, type LabelSeparator } from './labels.js';

export { WHOLE_ROW, problemError, duplicateIdError, fieldCountMessage, type RowProblem } from './csv.js';

/** A title's catalogue fields other than text, labels and id, by column key (lower-case): values as text. */
export type FieldValues = Readonly<Record<string, string>>;

export interface Title {
  id: string;
  description: string;
  genres: string[];
  /** Every other column of the row (lower-case name -> text, "" when empty). */
  fields: FieldValues;
  /** 1-based physical line where the record starts, for error messages. */
  line: number;
}

export interface ReadTitlesOptions {
  /** Whether the label column must exist and be non-empty on every row (default true). */
  requireGenres?: boolean;
  /** 'fail' throws on the first bad row; 'skip' leaves it out and reports it in `problems`. */
  onError?: 'fail' | 'skip';
  /** Column flags; undetected roles fall back to `saved`, then the usual names. */
  columns?: ColumnOptions;
  /** The mapping a model was trained with (evaluate reads later files the same way). */
  saved?: ColumnMapping;
  format?: FileFormat;
  /** Merge lookalike labels (case, apostrophes, spaces) into their most frequent spelling instead of failing. */
  mergeLabels?: boolean;
  /** With mergeLabels: genre names to merge lookalike spellings into (a model's genres, when evaluating it). */
  preferredLabels?: readonly string[];
}

export interface ReadTitles {
  titles: Title[];
  problems: RowProblem[];
  /** The mapping used, with the label separator resolved. */
  mapping: ColumnMapping;
  /** One line per column found by detection rather than named by a flag, when no saved mapping was given or the file's differs from it (see resolveColumns). */
  picked: string[];
  /** Field columns (lower-case keys), in file order: everything but text, labels and id. */
  fieldNames: string[];
  /** Things worth telling the user that are not errors (merged labels). */
  warnings: string[];
}

/**
 * Reads every title of a catalogue file.
 *
 * @throws PlotlineError naming the file, line and field: missing columns, an empty text or label
 *   cell (with onError 'fail'), a repeated id, lookalike labels (unless mergeLabels), no rows.
 */
export async function readTitles(path: string, options: ReadTitlesOptions = {}): Promise<ReadTitles> {
  const requireGenres = options.requireGenres ?? true;
  const onError = options.onError ?? 'fail';
  const table = await openRecords(path, { format: options.format });
  try {
    if (options.columns?.labelSeparator === 'json' && table.format !== 'jsonl') {
      throw new PlotlineError(
        `--label-separator json reads labels from JSON arrays, which only JSON Lines files have; this file is read as ${table.format.toUpperCase()}. ` +
          'Give the separator its label cells use (",", "|" or ";"), or read a JSON Lines file (.jsonl, or --format jsonl)',
        { file: path },
      );
    }
    const { mapping, picked } = resolveColumns(table, options.columns ?? {}, { requireLabels: requireGenres, saved: options.saved });
    const textKey = columnKey(mapping.text);
    const labelKey = mapping.labels === null ? null : columnKey(mapping.labels);
    const idKey = mapping.id === null ? null : columnKey(mapping.id);
    const roleKeys = new Set([textKey, labelKey, idKey]);
    const fieldNames = table.columns.map(columnKey).filter((k) => !roleKeys.has(k));

    const rows: { title: Omit<Title, 'genres'>; labels: string | string[] }[] = [];
    const problems: RowProblem[] = [];
    // Duplicates are a property of the whole file, not of one row, so they stay fatal even with
    // 'skip': silently keeping either copy would make ids ambiguous for the split file.
    const firstLineOfId = new Map<string, number>();

    for await (const record of table.rows()) {
      const rowProblems: RowProblem[] = [];
      const problem = (field: string, message: string): void => {
        rowProblems.push({ file: path, line: record.line, field, message });
      };
      if (record.problem !== undefined) problem(record.problem.field, record.problem.message);
      else {
        const values = record.values;
        const text = (key: string, name: string): string => {
          const value = textOf(values.get(key));
          if (value === null) {
            problem(name, `must be text, a number or a list, got an object`);
            return '';
          }
          return value;
        };
        let id = String(record.row);
        if (idKey !== null && values.has(idKey)) {
          const raw = values.get(idKey);
          const value = text(idKey, mapping.id!);
          const rounded = roundedIdProblem(raw);
          if (rounded !== null) problem(mapping.id!, `${mapping.id} ${rounded}`);
          else if (value === '') problem(mapping.id!, `${mapping.id} is empty`);
          else {
            id = value;
            const earlier = firstLineOfId.get(id);
            if (earlier !== undefined) throw duplicateIdError(id, earlier, { file: path, line: record.line, field: mapping.id! });
            firstLineOfId.set(id, record.line);
          }
        }
        const description = text(textKey, mapping.text);
        if (description === '' && rowProblems.length === 0) problem(mapping.text, `${mapping.text} is empty`);
        // The one rule for texts (tokenizer.ts): a text with no words is refused like an empty one.
        else if (rowProblems.length === 0 && !hasWords(description)) problem(mapping.text, noWordsMessage(mapping.text, description));

        let labels: string | string[] = '';
        if (labelKey !== null) {
          const raw = values.get(labelKey);
          if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) labels = raw as string[];
          else {
            const cell = text(labelKey, mapping.labels!);
            labels = cell;
          }
        }
        const fields: Record<string, string> = {};
        for (const key of fieldNames) fields[key] = text(key, key);
        if (rowProblems.length === 0) rows.push({ title: { id, description, fields, line: record.line }, labels });
      }
      if (rowProblems.length > 0) {
        if (onError === 'fail') throw problemError(rowProblems[0]);
        problems.push(...rowProblems);
      }
    }

    const separator: LabelSeparator =
      mapping.labelSeparator ?? (rows.some((r) => Array.isArray(r.labels)) ? 'json' : detectLabelSeparator(rows.map((r) => r.labels as string)));
    const resolved: ColumnMapping = { ...mapping, labelSeparator: separator };
    // Said when detection chose other than "," (no model to compare with), or other than the model's training file had.
    const trainedSeparator = options.saved?.labelSeparator ?? null;
    if (mapping.labelSeparator === null && labelKey !== null && separator !== (trainedSeparator ?? ',')) {
      picked.push(`label separator: ${separator} (detected${trainedSeparator === null ? '' : `; the model was trained with ${trainedSeparator}`})`);
    }

    const pinned = pinnedSeparatorWarning(mapping.labelSeparator, rows.map((r) => r.labels), mapping.labels ?? 'labels');

    const split = rows.map((r) => splitLabels(r.labels, separator));
    const counts = new Map<string, number>();
    for (const labels of split) for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    const { canonical, warnings } = reconcileLabels(counts, { merge: options.mergeLabels ?? false, file: path, field: mapping.labels ?? 'labels', preferred: options.preferredLabels });

    const titles: Title[] = [];
    rows.forEach((r, i) => {
      const genres = [...new Set(split[i].map((g) => canonical.get(g) ?? g))];
      if (requireGenres && genres.length === 0) {
        const problem = { file: path, line: r.title.line, field: mapping.labels ?? 'labels', message: `${mapping.labels} has no genres (expected 1 or more, ${describeSeparator(separator)})` };
        if (onError === 'fail') throw problemError(problem);
        problems.push(problem);
        return;
      }
      titles.push({ ...r.title, genres });
    });
    if (titles.length === 0 && problems.length === 0) {
      throw new PlotlineError('the file has a header but no rows; expected one row per title', { file: path, line: table.headerLine });
    }
    return { titles, problems, mapping: resolved, picked, fieldNames, warnings: pinned === null ? warnings : [pinned, ...warnings] };
  } finally {
    table.close();
  }
}

/**
 * A warning when `--label-separator` pins a separator that no label cell contains while another
 * separator occurs in many cells: every cell would then read as one label ("Dramas, Comedies").
 * Exported for tests.
 */
export function pinnedSeparatorWarning(pinned: LabelSeparator | null, cells: readonly (string | readonly string[])[], column: string): string | null {
  if (pinned === null || pinned === 'json') return null;
  const strings = cells.filter((c): c is string => typeof c === 'string');
  if (strings.length === 0 || strings.some((c) => c.includes(pinned))) return null;
  let best: { separator: string; cells: number } | null = null;
  for (const other of [',', '|', ';'].filter((o) => o !== pinned)) {
    const count = strings.filter((c) => c.includes(other)).length;
    if (count > 0 && (best === null || count > best.cells)) best = { separator: other, cells: count };
  }
  if (best === null) return null;
  return (
    `--label-separator "${pinned}" occurs in no ${column} cell, while ${best.cells} of ${strings.length} cells contain "${best.separator}": ` +
    `each such cell is read as one label (e.g. "${strings.find((c) => c.includes(best!.separator))}"); did you mean --label-separator "${best.separator}"?`
  );
}

function describeSeparator(separator: LabelSeparator): string {
  if (separator === ',') return 'comma-separated';
  return separator === 'json' ? 'a JSON array or a comma-separated string' : `separated by "${separator}"`;
}

/** Splits a Netflix `listed_in` cell (comma-separated); order is kept because the first genre is the most specific. */
export function parseGenres(cell: string): string[] {
  return splitLabels(cell, ',');
}
