/**
 * The streaming CSV layer every reader in src/data shares (catalogues, prediction input, split
 * files), so they all report the same line numbers and the same kinds of error: csv-parse underneath,
 * with physical line numbers, blank lines skipped, and errors that name the file and line.
 */
import { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { decodedText, printable } from './text-decoding.js';
import { CsvError, parse, type Options, type Parser } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';
import { PlotlineError } from '../util/errors.js';

/** One bad row or field of an input file, as reported (or thrown) by the readers. */
export interface RowProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

/**
 * Field name used in a RowProblem when the row as a whole is wrong (its field count does not match
 * the header), rather than one named column.
 */
export const WHOLE_ROW = '(row)';

export function problemError(problem: RowProblem): PlotlineError {
  return new PlotlineError(problem.message, { file: problem.file, line: problem.line, field: problem.field });
}

/** The same id on two lines: fatal in any file keyed by id. */
export function duplicateIdError(id: string, earlierLine: number, where: { file: string; line: number; field: string }): PlotlineError {
  return new PlotlineError(`${where.field} "${id}" appears twice, on line ${earlierLine} and on line ${where.line}`, where);
}

export function fieldCountMessage(expected: number, found: number): string {
  return `expected ${expected} fields (one per header column), found ${found}; check for an unquoted comma or a missing field`;
}


export interface CsvRow {
  /** 1-based physical line where the record starts. */
  line: number;
  /** 1-based data row number (header and blank lines not counted). */
  row: number;
  fields: string[];
}

export interface CsvTable {
  readonly file: string;
  /** Header names as written, trimmed. */
  readonly columns: readonly string[];
  readonly headerLine: number;
  /**
   * Index of `name` in the header (trimmed, case-insensitive), or -1. Throws if the header names
   * it twice, because then we could not tell which one the user meant.
   */
  column(name: string): number;
  /** The error to throw when required columns are absent: names them and the columns found. */
  missingColumns(names: readonly string[]): PlotlineError;
  /** Data rows in file order, blank lines skipped. Iterate once. */
  rows(): AsyncGenerator<CsvRow>;
  /**
   * The same rows without awaiting each one, for a table whose records were parsed up front (a slice
   * parsed in one call); absent for a streamed table. Iterate once, and only one of the two.
   */
  rowsNow?(): Generator<CsvRow>;
  /** Stops reading; safe to call more than once. */
  close(): void;
}

/**
 * Records of a file read apart from the rest (csv-slices.ts): `text` is the file's header (with any
 * blank lines before it) followed by whole records from further on, decoded; the shifts make their
 * lines and row numbers those of the whole file.
 */
export interface CsvTextSlice {
  text: string;
  /** Added to each data record's line: its line in the file minus its line in `text`. */
  lineShift: number;
  /** Data records (not blank) of the file between the header and the slice. */
  rowShift: number;
}

interface ParsedRecord {
  fields: string[];
  line: number;
  blank: boolean;
}

/**
 * Opens a CSV file and reads up to its header. Records are streamed, so memory does not grow with
 * the file. Line numbers are counted from each record's raw text rather than taken from
 * csv-parse's `info.lines`, which counts a CRLF inside a quoted field as two lines. With `slice`, its
 * text is read instead of the file (`path` then only names the file in errors): parsed in one call
 * (the slice is already in memory), or, if the parser rejects it, streamed as a file is so that the
 * error names the same line.
 */
export async function openCsv(path: string, options: { delimiter?: string; relaxQuotes?: boolean; slice?: CsvTextSlice } = {}): Promise<CsvTable> {
  const slice = options.slice;
  if (slice === undefined) await assertReadableFile(path);
  if (slice !== undefined) {
    const records = parseSliceText(slice, options);
    // A slice the parser rejects is read again by the stream below, which names the bad record's line.
    if (records !== null) return parsedTable(path, records, slice.rowShift);
  }
  const rowShift = slice?.rowShift ?? 0;
  // Advanced synchronously in on_record (before the record is queued), so when the parser fails its
  // next line still points at the bad record.
  const numbering = recordNumbering(slice?.lineShift ?? 0);
  // Decoded strictly (text-decoding.ts): a file that is not UTF-8 fails naming its first bad line.
  const source = slice === undefined ? Readable.from(decodedText(path)) : Readable.from([slice.text]);
  const parserOptions: Options<ParsedRecord, { record: string[]; raw: string }> = {
    bom: true,
    delimiter: options.delimiter ?? ',',
    // TSV has no quoting convention: a " inside an unquoted field is just a character there.
    relax_quotes: options.relaxQuotes ?? false,
    // Field counts are checked per row by the callers, so that one short row can be skipped
    // instead of aborting the whole file.
    relax_column_count: true,
    raw: true,
    on_record: ({ record: fields, raw }) => numbering.next(fields, raw),
  };
  // csv-parse's overloads cannot express that on_record changes the record type.
  const parser: Parser = parse(parserOptions as unknown as Options);
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);

  const iterator: AsyncIterator<ParsedRecord> = parser[Symbol.asyncIterator]();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    source.unpipe(parser);
    source.destroy();
    parser.destroy();
  };

  const translate = (err: unknown): unknown => {
    if (err instanceof PlotlineError) return err;
    if (err instanceof CsvError) return new PlotlineError(describeCsvError(err), { file: path, line: numbering.errorLine() });
    if (isErrnoException(err)) return new PlotlineError(`cannot read the file (${err.code ?? err.message})`, { file: path });
    return err;
  };
  const nextRecord = async (): Promise<ParsedRecord | undefined> => {
    for (;;) {
      let result: IteratorResult<ParsedRecord>;
      try {
        result = await iterator.next();
      } catch (err) {
        close();
        throw translate(err);
      }
      if (result.done) return undefined;
      if (!result.value.blank) return result.value;
    }
  };

  const header = await nextRecord();
  if (header === undefined) {
    close();
    throw new PlotlineError('the file is empty; expected a header row naming the columns', { file: path });
  }
  return tableOf(path, header, close, async function* () {
    let row = 0;
    try {
      for (;;) {
        const record = await nextRecord();
        if (record === undefined) return;
        row += 1;
        yield { line: record.line, row: row + rowShift, fields: record.fields };
      }
    } finally {
      close();
    }
  });
}

/** The table over a header record and the data rows `rows` streams; `close` stops the reading. */
function tableOf(path: string, header: ParsedRecord, close: () => void, rows: () => AsyncGenerator<CsvRow>): CsvTable {
  const columns = header.fields.map((name) => name.trim());
  return {
    file: path,
    columns,
    headerLine: header.line,
    column(name: string): number {
      const wanted = name.toLowerCase();
      const found: number[] = [];
      columns.forEach((c, i) => {
        if (c.toLowerCase() === wanted) found.push(i);
      });
      if (found.length > 1) {
        close();
        throw new PlotlineError(
          `column "${name}" appears ${found.length} times in the header (columns ${found.map((i) => i + 1).join(', ')}); keep one`,
          { file: path, line: header.line, field: name },
        );
      }
      return found.length === 1 ? found[0] : -1;
    },
    missingColumns(names: readonly string[]): PlotlineError {
      const list = names.map((n) => `"${n}"`).join(', ');
      return new PlotlineError(
        `missing required column${names.length > 1 ? 's' : ''} ${list}; columns found: ${columns.join(', ') || '(none)'}`,
        { file: path, line: header.line, field: names[0] },
      );
    },
    rows,
    close,
  };
}

/**
 * A slice's records parsed in one synchronous call (csv-parse/sync: no stream, no per-record context
 * object; ~2x cheaper than the stream for a slice already in memory), with the lines and blank flags
 * the stream's on_record gives; null when the parser rejects the text (the caller then reads it with
 * the stream, whose error names the bad record's line).
 */
function parseSliceText(slice: CsvTextSlice, options: { delimiter?: string; relaxQuotes?: boolean }): ParsedRecord[] | null {
  let parsed: { record: string[]; raw: string }[];
  try {
    parsed = parseText(slice.text, { bom: true, delimiter: options.delimiter ?? ',', relax_quotes: options.relaxQuotes ?? false, relax_column_count: true, raw: true }) as unknown as { record: string[]; raw: string }[];
  } catch {
    return null;
  }
  // As openCsv's on_record: lines counted from each record's raw text, shifted once the header has gone by.
  const numbering = recordNumbering(slice.lineShift);
  const records: ParsedRecord[] = new Array(parsed.length);
  for (let i = 0; i < parsed.length; i++) records[i] = numbering.next(parsed[i].record, parsed[i].raw);
  return records;
}

/**
 * Line numbers of records in parse order: each record starts where the previous one's raw text ended
 * (1-based); in a slice, the lines of data records (and of errors) after the header are shifted by
 * `sliceLineShift`, the slice's place in its file (set once the header has gone by, since the parser
 * may meet an error before the header is consumed). A record of one blank unquoted field is `blank`.
 */
function recordNumbering(sliceLineShift: number): { next(fields: string[], raw: string): ParsedRecord; errorLine(): number } {
  let nextLine = 1;
  let lineShift = 0;
  let headerSeen = false;
  return {
    next(fields, raw) {
      const line = nextLine;
      nextLine += countLineBreaks(raw);
      const blank = fields.length === 1 && fields[0].trim() === '' && !raw.includes('"');
      const shift = lineShift;
      if (!blank && !headerSeen) {
        headerSeen = true;
        lineShift = sliceLineShift;
      }
      return { fields, line: line + shift, blank };
    },
    /** The line of the record the parser is working on (where an error it throws is). */
    errorLine: () => nextLine + lineShift,
  };
}

/** The table over records parsed up front (parseSliceText). */
function parsedTable(path: string, records: ParsedRecord[], rowShift: number): CsvTable {
  let first = 0;
  while (first < records.length && records[first].blank) first++;
  if (first === records.length) throw new PlotlineError('the file is empty; expected a header row naming the columns', { file: path });
  let closed = false;
  function* rowsNow(): Generator<CsvRow> {
    let row = 0;
    for (let i = first + 1; i < records.length && !closed; i++) {
      const record = records[i];
      if (record.blank) continue;
      row += 1;
      yield { line: record.line, row: row + rowShift, fields: record.fields };
    }
    closed = true;
  }
  return {
    ...tableOf(path, records[first], () => (closed = true), async function* () {
      yield* rowsNow();
    }),
    rowsNow,
  };
}

/** Turns "no such file" and "is a directory" into messages naming the file, before any parsing. */
export async function assertReadableFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') throw new PlotlineError('file not found', { file: path });
    throw new PlotlineError(`cannot read the file (${isErrnoException(err) ? err.code ?? err.message : String(err)})`, {
      file: path,
    });
  }
  if (!isFile) throw new PlotlineError('not a regular file (is it a directory?)', { file: path });
}

/** Counts CRLF, LF and lone CR each as one line break, as editors number lines. */
export function countLineBreaks(text: string): number {
  // No CR (nearly every file): count LFs with the native search.
  if (text.indexOf('\r') === -1) {
    let lf = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lf += 1;
    return lf;
  }
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) breaks += 1;
    else if (c === 13) {
      breaks += 1;
      if (text.charCodeAt(i + 1) === 10) i += 1;
    }
  }
  return breaks;
}

function describeCsvError(err: CsvError): string {
  // The parser's own line numbers can be off (see openCsv), so they are cut from its message
  // rather than shown next to ours.
  const detail = printable(err.message.replace(/ (?:at|on) line \d+/g, ''), 200);
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `malformed CSV: a quoted field in the record starting on this line is never closed (parser: ${detail})`;
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `malformed CSV: stray quote in the record starting on this line; a field containing " must be wrapped in quotes with each " doubled (parser: ${detail})`;
    default:
      return `malformed CSV in the record starting on this line (parser: ${detail})`;
  }
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}
