/**
 * Streams the texts a user wants scored, from JSON Lines or CSV, one row at a time so that a
 * file of any size is read in constant memory. Every row either comes out, or is reported as a
 * problem: none is dropped silently.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { PlotlineError } from '../util/errors.js';
import { hasWords, noWordsMessage } from '../text/tokenizer.js';
import { WHOLE_ROW, assertReadableFile, fieldCountMessage, openCsv, problemError, type RowProblem } from './titles.js';

export interface PredictionInputRow {
  id: string;
  text: string;
  /** 1-based physical line where the row starts. */
  line: number;
}

export interface PredictionInputOptions {
  /** 'fail' (default) throws on the first bad row; 'skip' reports it to onProblem and goes on. */
  onError?: 'fail' | 'skip';
  onProblem?: (problem: RowProblem) => void;
}

/** Field name used in a RowProblem when a JSON Lines line is not a JSON object at all. */
export const WHOLE_JSON_LINE = '(json)';

export async function* readPredictionInput(
  path: string,
  options: PredictionInputOptions = {},
): AsyncGenerator<PredictionInputRow> {
  const onError = options.onError ?? 'fail';
  if (onError === 'skip' && options.onProblem === undefined) {
    // Skipping without a listener would drop rows with no trace, which is never what a user wants.
    throw new TypeError("readPredictionInput: onError 'skip' needs an onProblem callback to report skipped rows");
  }
  const report = (problem: RowProblem): void => {
    if (onError === 'fail') throw problemError(problem);
    options.onProblem?.(problem);
  };
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') yield* readJsonLines(path, report);
  else yield* readCsvInput(path, report);
}

async function* readJsonLines(path: string, report: (p: RowProblem) => void): AsyncGenerator<PredictionInputRow> {
  await assertReadableFile(path);
  let line = 0;
  let row = 0;
  for await (let content of splitLines(path)) {
    line += 1;
    if (line === 1 && content.charCodeAt(0) === 0xfeff) content = content.slice(1);
    if (content.trim() === '') continue;
    row += 1;
    const problem = (field: string, message: string): void => report({ file: path, line, field, message });

    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (err) {
      problem(WHOLE_JSON_LINE, `not valid JSON (${(err as Error).message})`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem(WHOLE_JSON_LINE, `expected a JSON object like {"id": "1", "description": "..."}, got ${describeJson(value)}`);
      continue;
    }
    const object = value as Record<string, unknown>;

    const textField = 'description' in object ? 'description' : 'text' in object ? 'text' : undefined;
    if (textField === undefined) {
      problem('description', 'the object has neither "description" nor "text"');
      continue;
    }
    const rawText = object[textField];
    if (typeof rawText !== 'string') {
      problem(textField, `must be a string, got ${describeJson(rawText)}`);
      continue;
    }
    const text = rawText.trim();
    if (!hasWords(text)) {
      problem(textField, noWordsMessage(textField, text));
      continue;
    }

    // null or "" count as "no id", as an empty id cell does in CSV.
    const idField = 'id' in object ? 'id' : 'show_id' in object ? 'show_id' : undefined;
    let id = String(row);
    if (idField !== undefined) {
      const rawId = object[idField];
      if (typeof rawId === 'string' && rawId.trim() !== '') id = rawId.trim();
      else if (typeof rawId === 'number' && Number.isFinite(rawId)) id = String(rawId);
      else if (!(rawId === null || rawId === '')) {
        problem(idField, `must be a string or a number, got ${describeJson(rawId)}`);
        continue;
      }
    }
    yield { id, text, line };
  }
}

/**
 * Lines of a text file (LF or CRLF). Pulling chunks through the stream's async iterator keeps
 * backpressure, so only one chunk plus one partial line is held at a time; readline's iterator
 * buffers lines ahead of the consumer on some Node versions.
 */
async function* splitLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8' });
  let pending = '';
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      pending += chunk;
      let start = 0;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        yield stripCr(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
    }
  } catch (err) {
    throw new PlotlineError(`cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      file: path,
    });
  } finally {
    input.destroy();
  }
  if (pending !== '') yield stripCr(pending);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

async function* readCsvInput(path: string, report: (p: RowProblem) => void): AsyncGenerator<PredictionInputRow> {
  const table = await openCsv(path);
  try {
    let textCol = table.column('description');
    if (textCol < 0) textCol = table.column('text');
    if (textCol < 0) {
      throw new PlotlineError(
        `needs a "description" or "text" column with the texts to score; columns found: ${table.columns.join(', ') || '(none)'}`,
        { file: path, line: table.headerLine, field: 'description' },
      );
    }
    let idCol = table.column('show_id');
    if (idCol < 0) idCol = table.column('id');

    for await (const row of table.rows()) {
      const problem = (field: string, message: string): void => report({ file: path, line: row.line, field, message });
      if (row.fields.length !== table.columns.length) {
        problem(WHOLE_ROW, fieldCountMessage(table.columns.length, row.fields.length));
        continue;
      }
      const text = row.fields[textCol].trim();
      if (!hasWords(text)) {
        problem(table.columns[textCol], noWordsMessage(table.columns[textCol], text));
        continue;
      }
      // An empty id cell falls back to the row number, as for a file without an id column.
      const id = idCol >= 0 && row.fields[idCol].trim() !== '' ? row.fields[idCol].trim() : String(row.row);
      yield { id, text, line: row.line };
    }
  } finally {
    table.close();
  }
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
