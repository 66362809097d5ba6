/**
 * Blank ids in a `predict --input` file that has an id column: such a row is scored and written with
 * its row number as id (as in a file without an id column), which the user cannot tell from a real id
 * unless told, so the run warns once with the count and the first lines. A file without any id column
 * is numbered as documented, with no warning.
 */
import type { PredictionInputRow } from '../data/prediction-input.js';

/** Lines of blank-id rows kept for the warning. */
export const BLANK_ID_LINES = 5;

export interface BlankIds {
  /** Rows whose id was blank. */
  count: number;
  /** The first BLANK_ID_LINES such rows' lines, in input order. */
  lines: number[];
  /** The id column as the file names it (the first blank row's), or null when none was blank. */
  column: string | null;
}

/**
 * The counting behind `watchBlankIds`, also for rows that arrive from the worker threads' slices:
 * call `see` for each blank-id row, in input order.
 */
export function blankIdCounter(): { see: (line: number, column: string) => void; found: BlankIds } {
  const found: BlankIds = { count: 0, lines: [], column: null };
  const see = (line: number, column: string): void => {
    found.count += 1;
    if (found.lines.length < BLANK_ID_LINES) found.lines.push(line);
    found.column ??= column;
  };
  return { see, found };
}

/** Passes `rows` through unchanged, counting the rows with a blank id (`row.blankId`) into `found`. */
export function watchBlankIds(rows: AsyncIterable<PredictionInputRow>): { rows: AsyncGenerator<PredictionInputRow>; found: BlankIds } {
  const { see, found } = blankIdCounter();
  async function* watched(): AsyncGenerator<PredictionInputRow> {
    for await (const row of rows) {
      if (row.blankId !== undefined) see(row.line, row.blankId);
      yield row;
    }
  }
  return { rows: watched(), found };
}

/**
 * The warning for `found` in `file`, or null when no id was blank, e.g. `2 row(s) of t.csv have a
 * blank show_id (lines 3, 7); expected an id in every row: they are written with their row numbers as ids`.
 */
export function blankIdsWarning(found: BlankIds, file: string): string | null {
  if (found.count === 0) return null;
  const more = found.count > found.lines.length ? ', ...' : '';
  const lines = `line${found.count === 1 ? '' : 's'} ${found.lines.join(', ')}${more}`;
  return `${found.count} row(s) of ${file} have a blank ${found.column ?? 'id'} (${lines}); expected an id in every row: they are written with their row numbers as ids`;
}
