/**
 * One way to read a catalogue-like file whatever its layout: CSV, TSV or JSON Lines, as a stream of
 * records keyed by column name. The catalogue reader (titles.ts) and the prediction input reader
 * (prediction-input.ts) both sit on it, so every layout works for train, evaluate and predict alike.
 *
 * Column names are matched trimmed and case-insensitively (`" country"` is `country`), as the
 * streaming services' exports do not agree on either.
 */
import { extname } from 'node:path';
import { decodedText, printable } from './text-decoding.js';
import { PlotlineError } from '../util/errors.js';
import { WHOLE_ROW, assertReadableFile, fieldCountMessage, openCsv, type CsvRow, type CsvTextSlice } from './csv.js';

/** The file layouts Plotline reads. */
export const FILE_FORMATS = ['csv', 'tsv', 'jsonl'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** Field name used in a problem when a JSON Lines line is not a JSON object at all. */
export const WHOLE_JSON_LINE = '(json)';

/**
 * The layout of `path`: `explicit` when given (`--format`), else by extension: `.tsv`/`.tab` are
 * TSV, `.jsonl`/`.ndjson` JSON Lines, anything else CSV.
 */
export function fileFormatOf(path: string, explicit?: FileFormat): FileFormat {
  if (explicit !== undefined) return explicit;
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return 'csv';
}

/** The key a column is looked up by: trimmed, lower-cased. */
export function columnKey(name: string): string {
  return name.trim().toLowerCase();
}

/** One data record: its values by column key, or what is wrong with the whole record. */
export type RecordRow =
  | { line: number; row: number; values: ReadonlyMap<string, unknown>; problem?: undefined }
  | { line: number; row: number; values?: undefined; problem: { field: string; message: string } };

export interface RecordTable {
  readonly file: string;
  readonly format: FileFormat;
  /** Column names as written (trimmed), in file order; for JSON Lines, the keys of the first object. */
  readonly columns: readonly string[];
  /** Line of the header (CSV, TSV) or of the first object (JSON Lines), for errors about columns. */
  readonly headerLine: number;
  /** Whether the file has a column named `name` (trimmed, case-insensitive). */
  has(name: string): boolean;
  /** The column's name as the file writes it, or `name` itself when absent. */
  spelling(name: string): string;
  /** Records in file order, blank lines skipped. Iterate once. */
  rows(): AsyncGenerator<RecordRow>;
  /** The same records without awaiting each one, when they were parsed up front (a CSV slice, csv.ts); else absent. */
  rowsNow?(): Generator<RecordRow>;
  close(): void;
}

/**
 * Opens `path` and reads as far as its column names. With `slice` (CSV only), reads the slice's text
 * (the header and records from further on, csv-slices.ts) instead, with the file's line numbers.
 *
 * @throws PlotlineError naming the file (and line) when it cannot be read, is empty, has a column
 *   twice, or its first JSON Lines record is not an object.
 */
export async function openRecords(path: string, options: { format?: FileFormat; slice?: CsvTextSlice } = {}): Promise<RecordTable> {
  const format = fileFormatOf(path, options.format);
  if (options.slice !== undefined && format !== 'csv') throw new TypeError(`openRecords: a slice is read as CSV, not ${format}`);
  return format === 'jsonl' ? openJsonLines(path) : openDelimited(path, format, options.slice);
}

/** The two delimited layouts, for the error that says a file looks like the other one. */
const DELIMITED = {
  csv: { format: 'csv', separator: ',', name: 'comma', plural: 'commas' },
  tsv: { format: 'tsv', separator: '\t', name: 'tab', plural: 'tabs' },
} as const;

/**
 * Looks at the first line before parsing, so a file in another layout gets a message about that
 * instead of a parser error further down: JSON named .csv, a `;`- or tab-separated file read as CSV, or
 * a comma- or `;`-separated file read as TSV (`--format tsv`).
 */
async function sniffLayout(path: string, format: 'csv' | 'tsv', slice?: CsvTextSlice): Promise<void> {
  let head = slice?.text.slice(0, 65536) ?? '';
  if (slice === undefined) {
    for await (const chunk of decodedText(path)) {
      head += chunk;
      if (head.includes('\n') || head.length > 65536) break;
    }
  }
  const firstLine = head.split('\n')[0].replace(/\r$/, '');
  const start = head.trimStart()[0];
  if (start === '{' || start === '[') {
    throw new PlotlineError(
      `looks like JSON, not ${format.toUpperCase()}: JSON Lines files (one object per line) are read by extension .jsonl or .ndjson, or with --format jsonl`,
      { file: path, line: 1 },
    );
  }
  // A TSV read as CSV (or a CSV pinned with --format tsv) would read as one column named after the
  // whole header: say which layout it looks like instead.
  const own = DELIMITED[format];
  const other = DELIMITED[format === 'csv' ? 'tsv' : 'csv'];
  if (!firstLine.includes(own.separator)) {
    const seen = firstLine.includes(other.separator) ? other.name : firstLine.includes(';') ? ';' : null;
    if (seen !== null) {
      throw new PlotlineError(
        `the header "${printable(firstLine)}" has no ${own.plural}: the file looks ${seen}-separated, not ${own.name}-separated, so no required column can be found. ` +
          (seen === other.name ? `Read it with --format ${other.format} (or name it .${other.format})` : `Save it with ${own.plural} (${format.toUpperCase()}) or ${other.plural} (then --format ${other.format})`),
        { file: path, line: 1 },
      );
    }
  }
}

async function openDelimited(path: string, format: 'csv' | 'tsv', slice?: CsvTextSlice): Promise<RecordTable> {
  if (slice === undefined) await assertReadableFile(path);
  await sniffLayout(path, format, slice);
  const table = await openCsv(path, format === 'tsv' ? { delimiter: '\t', relaxQuotes: true } : { delimiter: ',', slice });
  const keys = table.columns.map(columnKey);
  keys.forEach((key, i) => {
    const all = keys.flatMap((k, j) => (k === key ? [j + 1] : []));
    if (all.length > 1) {
      table.close();
      throw new PlotlineError(`column "${printable(table.columns[i])}" appears ${all.length} times in the header (columns ${all.join(', ')}); keep one`, {
        file: path,
        line: table.headerLine,
        field: table.columns[i],
      });
    }
  });
  return {
    file: path,
    format,
    columns: table.columns,
    headerLine: table.headerLine,
    has: (name) => keys.includes(columnKey(name)),
    spelling: (name) => table.columns[keys.indexOf(columnKey(name))] ?? name,
    async *rows(): AsyncGenerator<RecordRow> {
      for await (const row of table.rows()) yield recordOf(row);
    },
    ...(table.rowsNow === undefined
      ? {}
      : {
          *rowsNow(): Generator<RecordRow> {
            for (const row of table.rowsNow!()) yield recordOf(row);
          },
        }),
    close: () => table.close(),
  };

  function recordOf(row: CsvRow): RecordRow {
    if (row.fields.length !== keys.length) return { line: row.line, row: row.row, problem: { field: WHOLE_ROW, message: fieldCountMessage(keys.length, row.fields.length) } };
    return { line: row.line, row: row.row, values: new Map(keys.map((key, i) => [key, row.fields[i]])) };
  }
}

async function openJsonLines(path: string): Promise<RecordTable> {
  await assertReadableFile(path);
  const lines = splitLines(path);
  let lineNumber = 0;
  let row = 0;
  // The first non-blank line, for the message when no line is a JSON object.
  let firstContent = '';
  // Records parsed ahead of the consumer: only the first, read to learn the column names.
  const ahead: RecordRow[] = [];
  const next = async (): Promise<RecordRow | undefined> => {
    for (;;) {
      const result = await lines.next();
      if (result.done) return undefined;
      lineNumber += 1;
      let content = result.value;
      if (lineNumber === 1 && content.charCodeAt(0) === 0xfeff) content = content.slice(1);
      if (content.trim() === '') continue;
      if (row === 0) firstContent = content;
      row += 1;
      let value: unknown;
      try {
        value = JSON.parse(content);
      } catch (err) {
        return { line: lineNumber, row, problem: { field: WHOLE_JSON_LINE, message: `not valid JSON (${(err as Error).message})` } };
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return {
          line: lineNumber,
          row,
          problem: { field: WHOLE_JSON_LINE, message: `expected a JSON object like {"id": "1", "description": "..."}, got ${describeJson(value)}` },
        };
      }
      return { line: lineNumber, row, values: new Map(Object.entries(value).map(([k, v]) => [columnKey(k), v])) };
    }
  };
  // The first object names the columns; bad lines before it are kept for the caller to report.
  let first = await next();
  while (first !== undefined && first.values === undefined) {
    ahead.push(first);
    first = await next();
  }
  if (first === undefined && ahead.length === 0) {
    await lines.return(undefined);
    throw new PlotlineError('the file is empty; expected one JSON object per line', { file: path });
  }
  if (first === undefined) {
    await lines.return(undefined);
    // Not one line is a JSON object: the file is in another layout (a CSV or TSV read as JSON Lines).
    const layout = firstContent.includes('\t') ? 'tab-separated (--format tsv)' : firstContent.includes(',') ? 'comma-separated (--format csv)' : null;
    throw new PlotlineError(
      `no line is a JSON object, so this is not JSON Lines (line ${ahead[0].line}: ${ahead[0].problem?.message ?? 'not a JSON object'})` +
        (layout === null ? '' : `; its first line "${printable(firstContent.slice(0, 80))}" looks ${layout}`),
      { file: path, line: ahead[0].line },
    );
  }
  ahead.push(first);
  const columns = [...first.values!.keys()];
  const firstLine = first?.line ?? ahead[0].line;
  return {
    file: path,
    format: 'jsonl',
    columns,
    headerLine: firstLine,
    // A JSON Lines file has no header: a key absent from the first object may still be on later ones,
    // but the readers need to decide the mapping up front, so the first object is the header.
    has: (name) => columns.includes(columnKey(name)),
    spelling: (name) => name,
    async *rows(): AsyncGenerator<RecordRow> {
      try {
        while (ahead.length > 0) yield ahead.shift()!;
        for (let record = await next(); record !== undefined; record = await next()) yield record;
      } finally {
        await lines.return(undefined);
      }
    },
    close: () => void lines.return(undefined),
  };
}

/**
 * Lines of a text file (LF or CRLF). Pulling chunks through the stream's async iterator keeps
 * backpressure, so only one chunk plus one partial line is held at a time; readline's iterator
 * buffers lines ahead of the consumer on some Node versions.
 */
async function* splitLines(path: string): AsyncGenerator<string> {
  const input = decodedText(path);
  let pending = '';
  try {
    for await (const chunk of input) {
      pending += chunk;
      let start = 0;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        yield stripCr(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
    }
  } catch (err) {
    if (err instanceof PlotlineError) throw err;
    throw new PlotlineError(`cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      file: path,
    });
  } finally {
    await input.return(undefined);
  }
  if (pending !== '') yield stripCr(pending);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** A JSON value's type for an error message. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Why a JSON id cannot be used as read, or null: an integer past 2^53 - 1 arrives rounded by
 * JSON.parse (12345678901234567891 reads as 12345678901234567000), so two ids could become one or miss
 * a split file's. Read as "is the number N as JSON reads it, ...; write the id as a string".
 */
export function roundedIdProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value) || Number.isSafeInteger(value)) return null;
  return `is the number ${String(value)} as JSON reads it, past 2^53 - 1 where JSON numbers lose digits; write the id as a string ("...")`;
}

/**
 * A record's value as text: strings trimmed; finite numbers and booleans as written; arrays of those
 * joined with ", " (a JSON list of countries reads like the CSV's comma-separated cell); null and
 * absent as "". Objects are not text: null is returned so the caller can name the field.
 */
export function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(textOf);
    if (parts.some((p) => p === null)) return null;
    return (parts as string[]).filter((p) => p !== '').join(', ');
  }
  return null;
}
