/**
 * Scores one shard's rows into the JSON Lines `predict --input` writes for them, through the same
 * formatting function, so the bytes are identical to a single-machine run.
 * Between chunks the event loop is given a turn, so BullMQ can renew the job's lock while a long
 * shard is scored (a lock left to expire makes the job look stalled).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PredictionInputRow } from '../data/prediction-input.js';
import type { GenreModel } from '../models/genre-model.js';
import { formatPredictionLines, type FormatOptions } from '../batch/format.js';

/**
 * Rows per forward pass. Smaller than `predict --input`'s chunks (a text scores the same in any batch,
 * so the bytes do not change) to keep each stretch without an event-loop turn short (~0.1 s for `bag`
 * on a busy machine): the job's lock must be renewed well within `--lock-duration-ms`.
 */
export const SHARD_CHUNK_ROWS = 256;

/** JSON Lines (one line per row, in row order) for `rows`, decided with `decide`. */
export async function scoreShard(classifier: GenreModel, rows: readonly PredictionInputRow[], decide: FormatOptions, chunkRows = SHARD_CHUNK_ROWS): Promise<string> {
  let lines = '';
  for (let start = 0; start < rows.length; start += chunkRows) {
    const chunk = rows.slice(start, start + chunkRows);
    const fields = chunk.some((r) => r.fields !== undefined) ? chunk.map((r) => r.fields) : undefined;
    lines += await formatPredictionLines(classifier, chunk.map((r) => r.id), chunk.map((r) => r.text), { ...decide, fields });
    await nextTurn();
  }
  return lines;
}
