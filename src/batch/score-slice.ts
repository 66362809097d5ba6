/**
 * Reading and scoring one slice of a CSV input on a worker thread (`predict --input --workers N`), or on
 * the main thread for a bag with one worker: the slice's bytes are decoded and parsed by the rules of the
 * whole-file reader (`readPredictionSlice`, those of `readPredictionInput`, with the file's header and
 * line numbers), its good rows scored and written as JSON Lines. Bad rows and a
 * reading error come back as data, in order, for the main thread to skip or fail on as the sequential
 * read would.
 */
import { readPredictionSlice } from '../data/prediction-input.js';
import { decodeUtf8Slice } from '../data/text-decoding.js';
import type { RowProblem } from '../data/csv.js';
import type { FieldValues, GenreModel } from '../models/genre-model.js';
import { PlotlineError } from '../util/errors.js';
import { formatPredictionBytes, type FormatOptions } from './format.js';
import type { SentProblem, SliceRequest, SliceResult } from './protocol.js';

/** Scores a slice's good rows and writes their JSON Lines (UTF-8), one line per text, in order. */
export type SliceFormatter = (ids: string[], texts: string[], fields: FieldValues[] | undefined) => Promise<Uint8Array>;

/** The formatter that scores with `classifier` on this thread, deciding as `decide` says. */
export function formatWith(classifier: GenreModel, decide: Omit<FormatOptions, 'fields'>): SliceFormatter {
  return (ids, texts, fields) => formatPredictionBytes(classifier, ids, texts, { ...decide, fields });
}

/**
 * Reads `request`'s slice and has `format` score and write its good rows (here, or on a worker thread
 * the formatter hands them to). Never throws for bad input: see SliceResult. A slice whose reading
 * failed is not scored (the run fails on it before its rows would be written).
 */
export async function scoreSlice(request: SliceRequest, format: SliceFormatter): Promise<SliceResult> {
  const { slice, reading } = request;
  const ids: string[] = [];
  const texts: string[] = [];
  const lines: number[] = [];
  let blankIds: SliceResult['blankIds'];
  let fields: FieldValues[] | undefined;
  const problems: RowProblem[] = [];
  let error: SentProblem | undefined;
  let lastLine = 0;
  try {
    const text = slice.header + decodeUtf8Slice(slice.bytes, reading.file, slice.firstLfLine);
    const options = {
      columns: reading.columns,
      saved: reading.saved,
      fields: reading.fields,
      format: 'csv' as const,
      onError: 'skip' as const,
      onProblem: (problem: RowProblem) => {
        problems.push(problem);
        lastLine = problem.line;
      },
      slice: { text, lineShift: slice.lineShift, rowShift: slice.rowShift },
    };
    await readPredictionSlice(reading.file, options, (row) => {
      ids.push(row.id);
      texts.push(row.text);
      lines.push(row.line);
      if (row.blankId !== undefined) (blankIds ??= { lines: [], column: row.blankId }).lines.push(row.line);
      if (row.fields !== undefined) (fields ??= []).push(row.fields);
      lastLine = row.line;
    });
  } catch (thrown) {
    if (!(thrown instanceof PlotlineError)) throw thrown;
    error = { message: thrown.message, file: thrown.file, line: thrown.line, field: thrown.field };
  }
  const bytes = ids.length === 0 || error !== undefined ? new Uint8Array(0) : await format(ids, texts, fields);
  const result: SliceResult = { bytes, ids, lines: Int32Array.from(lines), problems, records: ids.length + problems.length, lastLine, error };
  if (blankIds !== undefined) result.blankIds = blankIds;
  return result;
}

/** The PlotlineError a worker sent as data, as thrown on the main thread (same message, file, line, field). */
export function sentError(sent: SentProblem): PlotlineError {
  const error = new PlotlineError('', { file: sent.file, line: sent.line, field: sent.field });
  error.message = sent.message;
  return error;
}
