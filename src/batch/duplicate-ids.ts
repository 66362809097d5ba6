/**
 * Repeated ids in a `predict --input` file. Both rows are scored (the output follows the input, row
 * for row), but a repeated id usually means a file joined twice or ids that are not ids, and output
 * keyed by id would lose one of them: the user is told. Memory grows with the number of distinct ids
 * (a Map of id -> first line), so the check stops after ID_CHECK_LIMIT distinct ids and says so.
 */
import type { PredictionInputRow } from '../data/prediction-input.js';

/** Distinct ids remembered at most (~100 MB of strings at worst); later rows are not checked. */
export const ID_CHECK_LIMIT = 1_000_000;

export interface DuplicateIds {
  /** Rows whose id an earlier row already had. */
  count: number;
  /** The first such row: its id, its line, and the line of the earlier row with that id. */
  first: { id: string; line: number; firstLine: number } | null;
  /** Whether ID_CHECK_LIMIT distinct ids were reached, so later rows went unchecked. */
  limitReached: boolean;
}

/** Passes `rows` through unchanged, counting repeated ids into the returned `found` as they go by. */
export function watchDuplicateIds(rows: AsyncIterable<PredictionInputRow>, limit = ID_CHECK_LIMIT): { rows: AsyncGenerator<PredictionInputRow>; found: DuplicateIds } {
  const { see, found } = duplicateIdCounter(limit);
  async function* watched(): AsyncGenerator<PredictionInputRow> {
    for await (const row of rows) {
      see(row.id, row.line);
      yield row;
    }
  }
  return { rows: watched(), found };
}

/**
 * The counting behind `watchDuplicateIds`, for rows that arrive as (id, line) pairs rather than row
 * objects (the slices scored by worker threads): call `see` for each row in input order.
 */
export function duplicateIdCounter(limit = ID_CHECK_LIMIT): { see: (id: string, line: number) => void; found: DuplicateIds } {
  const found: DuplicateIds = { count: 0, first: null, limitReached: false };
  const firstLine = new Map<string, number>();
  const see = (id: string, line: number): void => {
    if (found.limitReached) return;
    const earlier = firstLine.get(id);
    if (earlier !== undefined) {
      found.count += 1;
      found.first ??= { id, line, firstLine: earlier };
    } else if (firstLine.size < limit) {
      firstLine.set(id, line);
    } else {
      found.limitReached = true;
      firstLine.clear();
    }
  };
  return { see, found };
}

/** The warning for `found`, or null when there is nothing to say. */
export function duplicateIdsWarning(found: DuplicateIds, file: string): string | null {
  const lines: string[] = [];
  if (found.first !== null) {
    const { id, line, firstLine } = found.first;
    lines.push(
      `${found.count} row(s) of ${file} repeat an earlier id (first: id ${JSON.stringify(id)} on line ${line}, already on line ${firstLine}); ` +
        'every row is scored, so the output repeats those ids',
    );
  }
  if (found.limitReached) lines.push(`ids were checked for repeats only among the first ${ID_CHECK_LIMIT.toLocaleString('en-US')} distinct ids of ${file}`);
  return lines.length === 0 ? null : lines.join('; ');
}
