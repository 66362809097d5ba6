/**
 * Turning variable-length id sequences into rectangular batches. Padding to the longest sequence of
 * each batch (rather than of the whole dataset) keeps batches of short descriptions cheap; grouping
 * descriptions of similar length into the same batch makes that saving large.
 */
import type { Rng } from '../util/random.js';

export interface PaddedBatch {
  /** rows x cols ids, row-major, right-padded with 0. */
  ids: Int32Array;
  rows: number;
  cols: number;
  /** Which sequence each row holds, so predictions can be put back in input order. */
  indices: number[];
}

export interface PadOptions {
  /** Longer sequences keep their first maxLength ids: a description's opening names its premise. */
  maxLength?: number;
  /** Fewest columns, whatever the batch holds: a convolution of width k needs at least k. */
  minLength?: number;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
}

/**
 * Packs `sequences[indices[r]]` into row r. Columns = the longest selected sequence, capped at
 * maxLength, raised to minLength, and never 0 (an empty batch row would give models a zero-width
 * tensor).
 */
export function padSequences(
  sequences: readonly Int32Array[],
  indices: readonly number[],
  options: PadOptions = {},
): PaddedBatch {
  const maxLength = options.maxLength ?? Infinity;
  const minLength = options.minLength ?? 1;
  if (maxLength !== Infinity) checkPositiveInteger('maxLength', maxLength);
  checkPositiveInteger('minLength', minLength);
  if (minLength > maxLength) throw new RangeError(`minLength (${minLength}) exceeds maxLength (${maxLength})`);

  let longest = 0;
  for (const index of indices) {
    const sequence = sequences[index];
    if (sequence === undefined) throw new RangeError(`sequence index ${index} is outside [0, ${sequences.length})`);
    if (sequence.length > longest) longest = sequence.length;
  }
  const rows = indices.length;
  const cols = Math.max(Math.min(longest, maxLength), minLength);
  const ids = new Int32Array(rows * cols);
  indices.forEach((index, row) => {
    const sequence = sequences[index];
    ids.set(sequence.length > cols ? sequence.subarray(0, cols) : sequence, row * cols);
  });
  return { ids, rows, cols, indices: [...indices] };
}

/**
 * Batches of indices into `lengths`. With an rng (training): sorted by length, ties broken at random
 * so equal-length items change company between epochs, cut into batches whose order is then
 * shuffled so the model does not see short-to-long every epoch. Without (prediction): consecutive
 * chunks in input order, so outputs line up with inputs without bookkeeping.
 */
export function bucketedBatches(lengths: readonly number[], batchSize: number, rng: Rng | null): number[][] {
  checkPositiveInteger('batchSize', batchSize);
  const order = lengths.map((_, i) => i);
  if (rng !== null) {
    // Noise in [0, 1) reorders only equal lengths, since lengths are integers.
    const keys = lengths.map((length) => length + rng.next());
    order.sort((a, b) => keys[a] - keys[b]);
  }
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  if (rng !== null) rng.shuffle(batches);
  return batches;
}

/**
 * Fraction of the cells in the padded batches that are padding, taking each batch to its longest
 * sequence (no maxLength/minLength): a measure of the compute bucketing saves.
 */
export function paddingWaste(lengths: readonly number[], batches: readonly (readonly number[])[]): number {
  let cells = 0;
  let filled = 0;
  for (const batch of batches) {
    let longest = 0;
    for (const index of batch) {
      filled += lengths[index];
      if (lengths[index] > longest) longest = lengths[index];
    }
    cells += longest * batch.length;
  }
  return cells === 0 ? 0 : (cells - filled) / cells;
}
