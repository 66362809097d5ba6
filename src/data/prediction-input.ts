/**
 * Streams the titles a user wants scored, from CSV, TSV or JSON Lines, one row at a time so that a
 * file of any size is read in constant memory: the text, the id, and the catalogue fields the model
 * uses. Every row either comes out, or is reported as a problem: none is dropped silently.
 */
import { problemError, type CsvTextSlice, type RowProblem } from './csv.js';
import { PlotlineError } from '../util/errors.js';
import { hasWords, noWordsMessage } from '../text/tokenizer.js';
import { columnKey, describeJson, openRecords, roundedIdProblem, textOf, type FileFormat, type RecordRow, type RecordTable } from './records.js';
import { ID_COLUMNS, TEXT_COLUMNS, resolveColumns, type ColumnMapping, type ColumnOptions } from './columns.js';
import type { FieldValues } from './titles.js';

export { WHOLE_JSON_LINE } from './records.js';

export interface PredictionInputRow {
  id: string;
  text: string;
  /** The model's fields this row has (lower-case name -> text); absent or empty cells are left out. */
  fields?: FieldValues;
  /** 1-based physical line where the row starts. */
  line: number;
  /**
   * Set when the file has an id column but this row's id is blank (an empty or white-space cell, null,
   * or a JSON Lines object without it): the id column's name. `id` is then the row number.
   */
  blankId?: string;
}

export interface PredictionInputOptions {
  /** 'fail' (default) throws on the first bad row; 'skip' reports it to onProblem and goes on. */
  onError?: 'fail' | 'skip';
  onProblem?: (problem: RowProblem) => void;
  /** Column flags (`--text-column`, `--id-column`). */
  columns?: ColumnOptions;
  /** The mapping the model was trained with: its text and id columns are tried first. */
  saved?: ColumnMapping;
  /** The catalogue fields the model reads (lower-case); other columns are ignored. */
  fields?: readonly string[];
  format?: FileFormat;
  /**
   * Read this slice of a CSV file (csv-slices.ts: its header and whole records from further on)
   * instead of the file, with the file's line and row numbers; a slice without rows is not an error.
   */
  slice?: CsvTextSlice;
}

/**
 * Rows of `path` in file order.
 *
 * @throws PlotlineError naming the file and line: no text column, or (onError 'fail') a row whose
 *   text is empty, whose field count is wrong or whose JSON is not an object.
 */
export async function* readPredictionInput(path: string, options: PredictionInputOptions = {}): AsyncGenerator<PredictionInputRow> {
  const reader = await openRows(path, options);
  try {
    for await (const record of reader.table.rows()) {
      const row = reader.rowOf(record);
      if (row !== null) yield row;
    }
    reader.finish();
  } finally {
    reader.table.close();
  }
}

/**
 * Every row of a CSV slice (`options.slice`, csv-slices.ts), handed to `onRow` in file order: what
 * `readPredictionInput` gives for the slice, without awaiting each row when the slice parses in one
 * call (see csv.ts). Rows before a fatal error have been handed on when it is thrown.
 *
 * @throws PlotlineError as readPredictionInput.
 */
export async function readPredictionSlice(path: string, options: PredictionInputOptions & { slice: CsvTextSlice }, onRow: (row: PredictionInputRow) => void): Promise<void> {
  const reader = await openRows(path, options);
  try {
    const now = reader.table.rowsNow?.();
    if (now !== undefined) {
      for (const record of now) {
        const row = reader.rowOf(record);
        if (row !== null) onRow(row);
      }
    } else {
      for await (const record of reader.table.rows()) {
        const row = reader.rowOf(record);
        if (row !== null) onRow(row);
      }
    }
    reader.finish();
  } finally {
    reader.table.close();
  }
}

/**
 * Which columns `readPredictionInput` will read in `path`, as lines for the user: one per column found
 * by detection when `options.saved` is absent, or where the file's layout differs from the saved
 * mapping (resolveColumns), e.g. `text: overview (detected; the model was trained with column
 * "description")`. Empty when every column is named by a flag or found under its saved name.
 * Opens the file for its header only (the first object of JSON Lines).
 *
 * @throws PlotlineError as readPredictionInput for a file without a text column.
 */
export async function predictionColumns(path: string, options: Pick<PredictionInputOptions, 'columns' | 'saved' | 'format'>): Promise<string[]> {
  return (await inputColumns(path, [], options)).picked;
}

/**
 * predictionColumns' lines (`picked`), and the fields of `fields` (the model's, lower-case) that `path`
 * has no column for (`absentFields`, in the model's order: every row of the file is scored as if they
 * were missing; a column holding the text or the id does not count as the field's), from one reading
 * of the header (the first object of JSON Lines, which names the columns for the whole file, as the
 * readers take it).
 *
 * @throws PlotlineError as readPredictionInput for a file without a text column.
 */
export async function inputColumns(
  path: string,
  fields: readonly string[],
  options: Pick<PredictionInputOptions, 'columns' | 'saved' | 'format'>,
): Promise<{ picked: string[]; absentFields: string[] }> {
  const table = await openRecords(path, { format: options.format });
  try {
    const { mapping, picked } = resolveColumns(table, options.columns ?? {}, { requireLabels: false, saved: options.saved });
    const roles = new Set([mapping.text, mapping.labels, mapping.id].filter((c): c is string => c !== null).map(columnKey));
    const present = new Set(table.columns.map(columnKey).filter((k) => !roles.has(k)));
    return {
      // Prediction reads no labels: a label column found or not is nothing to tell.
      picked: picked.filter((line) => !line.startsWith('labels:')),
      absentFields: fields.filter((f) => !present.has(columnKey(f))),
    };
  } finally {
    table.close();
  }
}

/** The opened table and the per-record rule shared by both readers: a row, or null for a problem reported. */
async function openRows(path: string, options: PredictionInputOptions): Promise<{ table: RecordTable; rowOf(record: RecordRow): PredictionInputRow | null; finish(): void }> {
  const onError = options.onError ?? 'fail';
  if (onError === 'skip' && options.onProblem === undefined) {
    // Skipping without a listener would drop rows with no trace, which is never what a user wants.
    throw new TypeError("readPredictionInput: onError 'skip' needs an onProblem callback to report skipped rows");
  }
  const table = await openRecords(path, { format: options.format, slice: options.slice });
  let mapping: ColumnMapping;
  try {
    mapping = resolveColumns(table, options.columns ?? {}, { requireLabels: false, saved: options.saved }).mapping;
  } catch (error) {
    table.close();
    throw error;
  }
  const textKey = columnKey(mapping.text);
  const idKey = mapping.id === null ? null : columnKey(mapping.id);
  const fieldKeys = (options.fields ?? []).map(columnKey);
  const jsonl = table.format === 'jsonl';
  let records = 0;
  const rowOf = (record: RecordRow): PredictionInputRow | null => {
    records += 1;
    const problem = (field: string, message: string): null => {
      const p = { file: path, line: record.line, field, message };
      if (onError === 'fail') throw problemError(p);
      options.onProblem?.(p);
      return null;
    };
    if (record.problem !== undefined) return problem(record.problem.field, record.problem.message);
    // JSON Lines has no header: an object without the first object's text (or id) key may use
    // another usual name ({"description": ...} then {"text": ...}); a flag pins it.
    const textName = jsonl && !record.values.has(textKey) && options.columns?.textColumn === undefined ? (TEXT_COLUMNS.find((c) => record.values.has(c)) ?? mapping.text) : mapping.text;
    const rawText = record.values.get(columnKey(textName));
    if (jsonl && rawText === undefined) {
      return problem(textName, `the object has no "${textName}"${options.columns?.textColumn === undefined ? ` (nor ${TEXT_COLUMNS.map((c) => `"${c}"`).join(', ')})` : ''}`);
    }
    if (jsonl && typeof rawText !== 'string') return problem(textName, `must be a string, got ${describeJson(rawText)}`);
    const text = textOf(rawText) ?? '';
    // The one rule for token-less texts (src/text/tokenizer.ts): no words is refused like empty.
    if (!hasWords(text)) return problem(textName, noWordsMessage(textName, text));
    // An empty id (cell, null or "") falls back to the row number, as for a file without an id column.
    let id = String(record.row);
    let blankId: string | undefined;
    const idName = jsonl && (idKey === null || !record.values.has(idKey)) && options.columns?.idColumn === undefined ? ID_COLUMNS.find((c) => record.values.has(c)) : (mapping.id ?? undefined);
    if (idName !== undefined) {
      const rawId = record.values.get(columnKey(idName));
      const rounded = roundedIdProblem(rawId);
      if (rounded !== null) return problem(idName, rounded);
      if (typeof rawId === 'string' && rawId.trim() !== '') id = rawId.trim();
      else if (typeof rawId === 'number' && Number.isFinite(rawId)) id = String(rawId);
      else if (!(rawId === undefined || rawId === null || rawId === '' || (typeof rawId === 'string' && rawId.trim() === ''))) {
        return problem(idName, `must be a string or a number, got ${describeJson(rawId)}`);
      } else {
        blankId = idName;
      }
    } else if (mapping.id !== null) {
      blankId = mapping.id; // a JSON Lines object without the id the file's first object has
    }
    const row: PredictionInputRow = { id, text, line: record.line };
    if (blankId !== undefined) row.blankId = blankId;
    if (fieldKeys.length > 0) {
      const fields: Record<string, string> = {};
      for (const key of fieldKeys) {
        const value = textOf(record.values.get(key));
        // An object is no field value (as training reads it): the row is refused naming the field, not scored as if it were missing.
        if (value === null) return problem(key, `must be text, a number or a list, got ${describeJson(record.values.get(key))}`);
        if (value !== '') fields[key] = value;
      }
      row.fields = fields;
    }
    return row;
  };
  const finish = (): void => {
    if (records === 0 && options.slice === undefined) throw new PlotlineError('the file has a header but no rows; expected one row per text to score', { file: path, line: table.headerLine });
  };
  return { table, rowOf, finish };
}
