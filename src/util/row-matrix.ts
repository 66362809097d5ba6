/** Row-major matrices (n x width in one Float32Array): targets, scores, features. */

/** A new matrix holding `rows` of `matrix`, in that order (a fold, a batch, half of validation). */
export function selectRows(matrix: Float32Array, rows: readonly number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, r) => out.set(matrix.subarray(row * width, (row + 1) * width), r * width));
  return out;
}

/** Counts items from the flat matrix length, refusing shapes that would silently misalign rows. */
export function rowsOf(length: number, k: number, name: string): number {
  if (!Number.isInteger(k) || k <= 0) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (length % k !== 0) throw new RangeError(`${name} has ${length} cells, not a multiple of k=${k}`);
  return length / k;
}
