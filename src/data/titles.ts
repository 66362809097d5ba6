/**
 * Reading the labelled catalogue (netflix_titles.csv and files shaped like it), plus the small
 * streaming CSV layer that every CSV reader in src/data shares, so they all report the same line
 * numbers and the same kinds of error.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvError, parse, type Options, type Parser } from 'csv-parse';
import { PlotlineError } from '../util/errors.js';

export interface Title {
  id: string;
  description: string;
  genres: string[];
  /** 1-based physical line where the record starts, for error messages. */
  line: number;
}

export interface RowProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

export interface ReadTitlesOptions {
  /** Whether `listed_in` must exist and be non-empty on every row (default true). */
  requireGenres?: boolean;
  /** 'fail' throws on the first bad row; 'skip' leaves it out and reports it in `problems`. */
  onError?: 'fail' | 'skip';
}

/**
 * Field name used in a RowProblem when the row as a whole is wrong (its field count does not match
 * the header), rather than one named column.
 */
export const WHOLE_ROW = '(row)';

export async function readTitles(
  path: string,
  options: ReadTitlesOptions = {},
): Promise<{ titles: Title[]; problems: RowProblem[] }> {
  const requireGenres = options.requireGenres ?? true;
  const onError = options.onError ?? 'fail';
  const table = await openCsv(path);
  try {
    const descriptionCol = table.column('description');
    const genresCol = table.column('listed_in');
    const idCol = table.column('show_id');
    const missing: string[] = [];
    if (descriptionCol < 0) missing.push('description');
    if (requireGenres && genresCol < 0) missing.push('listed_in');
    if (missing.length > 0) throw table.missingColumns(missing);

    const titles: Title[] = [];
    const problems: RowProblem[] = [];
    // Duplicates are a property of the whole file, not of one row, so they stay fatal even with
    // 'skip': silently keeping either copy would make ids ambiguous for the split file.
    const firstLineOfId = new Map<string, number>();

    for await (const row of table.rows()) {
      const rowProblems: RowProblem[] = [];
      const problem = (field: string, message: string): void => {
        rowProblems.push({ file: path, line: row.line, field, message });
      };

      if (row.fields.length !== table.columns.length) {
        problem(WHOLE_ROW, fieldCountMessage(table.columns.length, row.fields.length));
      } else {
        let id = String(row.row);
        if (idCol >= 0) {
          id = row.fields[idCol].trim();
          if (id === '') problem(table.columns[idCol], 'show_id is empty');
          else {
            const earlier = firstLineOfId.get(id);
            if (earlier !== undefined) throw duplicateIdError(id, earlier, { file: path, line: row.line, field: table.columns[idCol] });
            firstLineOfId.set(id, row.line);
          }
        }

        const description = row.fields[descriptionCol].trim();
        if (description === '') problem(table.columns[descriptionCol], 'description is empty');

        const genres = genresCol >= 0 ? parseGenres(row.fields[genresCol]) : [];
        if (requireGenres && genres.length === 0) {
          problem(table.columns[genresCol], 'listed_in has no genres (expected 1 or more, comma-separated)');
        }

        if (rowProblems.length === 0) titles.push({ id, description, genres, line: row.line });
      }

      if (rowProblems.length > 0) {
        if (onError === 'fail') throw problemError(rowProblems[0]);
        problems.push(...rowProblems);
      }
    }
    return { titles, problems };
  } finally {
    table.close();
  }
}

/** Splits a `listed_in` cell; order is kept because the file's first genre is the most specific. */
export function parseGenres(cell: string): string[] {
  const genres: string[] = [];
  for (const part of cell.split(',')) {
    const genre = part.trim();
    if (genre !== '' && !genres.includes(genre)) genres.push(genre);
  }
  return genres;
}

export function problemError(problem: RowProblem): PlotlineError {
  return new PlotlineError(problem.message, { file: problem.file, line: problem.line, field: problem.field });
}

/** The same show_id on two lines: fatal in any file keyed by show_id. */
export function duplicateIdError(id: string, earlierLine: number, where: { file: string; line: number; field: string }): PlotlineError {
  return new PlotlineError(`show_id "${id}" appears twice, on line ${earlierLine} and on line ${where.line}`, where);
}

export function fieldCountMessage(expected: number, found: number): string {
  return `expected ${expected} fields (one per header column), found ${found}; check for an unquoted comma or a missing field`;
}

// ---------------------------------------------------------------------------------------------
// Shared streaming CSV layer
// ---------------------------------------------------------------------------------------------

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
  /** Stops reading; safe to call more than once. */
  close(): void;
}

interface ParsedRecord {
  fields: string[];
  line: number;
  blank: boolean;
}

/**
 * Opens a CSV file and reads up to its header. Records are streamed, so memory does not grow with
 * the file. Line numbers are counted from each record's raw text rather than taken from
 * csv-parse's `info.lines`, which counts a CRLF inside a quoted field as two lines.
 */
export async function openCsv(path: string): Promise<CsvTable> {
  await assertReadableFile(path);

  // Start line of the record the parser is working on. It is advanced synchronously in on_record
  // (before the record is queued), so when the parser fails it still points at the bad record.
  let nextLine = 1;
  const source: ReadStream = createReadStream(path);
  const options: Options<ParsedRecord, { record: string[]; raw: string }> = {
    bom: true,
    // Field counts are checked per row by the callers, so that one short row can be skipped
    // instead of aborting the whole file.
    relax_column_count: true,
    raw: true,
    on_record: ({ record: fields, raw }) => {
      const line = nextLine;
      nextLine += countLineBreaks(raw);
      const blank = fields.length === 1 && fields[0].trim() === '' && !raw.includes('"');
      return { fields, line, blank };
    },
  };
  // csv-parse's overloads cannot express that on_record changes the record type.
  const parser: Parser = parse(options as unknown as Options);
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
    if (err instanceof CsvError) return new PlotlineError(describeCsvError(err), { file: path, line: nextLine });
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
    async *rows(): AsyncGenerator<CsvRow> {
      let row = 0;
      try {
        for (;;) {
          const record = await nextRecord();
          if (record === undefined) return;
          row += 1;
          yield { line: record.line, row, fields: record.fields };
        }
      } finally {
        close();
      }
    },
    close,
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
  const detail = err.message.replace(/ (?:at|on) line \d+/g, '');
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
