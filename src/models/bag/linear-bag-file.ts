/**
 * A saved `bag`'s weights: its collapsed linear form (linear-bag-scorer.ts), not the embedding table.
 * The table (65,537 x 384 float32, ~100 MB) is only needed to keep training; prediction needs
 * (buckets + 1) x genres numbers (~11 MB as float32), and ~3 MB quantised.
 *
 *   linear.json  { format, formatVersion, rows, genres, normalisation, storage, bytes }
 *   linear.bin   little-endian; float32: collapsed rows x genres | idf rows | bias genres
 *                int8:    row scales rows (float32) | idf rows | bias genres | collapsed rows x genres (int8)
 *
 * int8 is fastText's `.ftz` idea without its product quantisation: each row is stored as 8-bit integers
 * times one float32 scale per row (max |value| / 127), so a row's largest weight is exact and every
 * weight is within half a step (max/254) of its float32 value. Scores move by well under a percent of a
 * logit; `npm run bench` measures the F1 change against the float32 folder.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { PlotlineError } from '../../util/errors.js';
import { readJsonFile } from '../../util/json-file.js';
import type { LinearBag } from './linear-bag-scorer.js';

const LITTLE_ENDIAN = endianness() === 'LE';

export const LINEAR_STORAGES = ['float32', 'int8'] as const;
/** How the collapsed weights are stored: exact float32, or int8 with a float32 scale per row. */
export type LinearStorage = (typeof LINEAR_STORAGES)[number];

export const LINEAR_JSON = 'linear.json';
export const LINEAR_BIN = 'linear.bin';

const LinearHeader = z.object({
  format: z.literal('plotline-linear-bag'),
  formatVersion: z.literal(1),
  rows: z.number().int().positive(),
  genres: z.number().int().positive(),
  normalisation: z.enum(['sum', 'l2']),
  storage: z.enum(LINEAR_STORAGES),
  bytes: z.number().int().nonnegative(),
});
type LinearHeader = z.infer<typeof LinearHeader>;

function byteLength(rows: number, genres: number, storage: LinearStorage): number {
  return storage === 'float32' ? (rows * genres + rows + genres) * 4 : (rows + rows + genres) * 4 + rows * genres;
}

/** Per-row int8 quantisation of `values` (rows x genres): the int8 values and one scale per row. */
export function quantiseRows(values: Float32Array, rows: number, genres: number): { scales: Float32Array; quantised: Int8Array } {
  const scales = new Float32Array(rows);
  const quantised = new Int8Array(rows * genres);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let g = 0; g < genres; g++) max = Math.max(max, Math.abs(values[r * genres + g]));
    const scale = (scales[r] = max / 127);
    if (scale === 0) continue;
    for (let g = 0; g < genres; g++) quantised[r * genres + g] = Math.max(-127, Math.min(127, Math.round(values[r * genres + g] / scales[r])));
  }
  return { scales, quantised };
}

/** Writes `linear.json` and `linear.bin` into `dir` (an existing, fresh folder). */
export async function writeLinearBag(dir: string, linear: LinearBag, storage: LinearStorage): Promise<void> {
  const genres = linear.bias.length;
  const rows = linear.idf.length;
  if (linear.collapsed.length !== rows * genres) throw new RangeError(`collapsed bag holds ${linear.collapsed.length} values, expected ${rows} x ${genres}`);
  const bytes = byteLength(rows, genres, storage);
  const buffer = Buffer.alloc(bytes);
  let at = 0;
  const put = (values: Float32Array) => {
    for (let i = 0; i < values.length; i++, at += 4) buffer.writeFloatLE(values[i], at);
  };
  if (storage === 'float32') {
    put(linear.collapsed);
    put(linear.idf);
    put(linear.bias);
  } else {
    const { scales, quantised } = quantiseRows(linear.collapsed, rows, genres);
    put(scales);
    put(linear.idf);
    put(linear.bias);
    buffer.set(new Uint8Array(quantised.buffer), at);
  }
  const header: LinearHeader = { format: 'plotline-linear-bag', formatVersion: 1, rows, genres, normalisation: linear.normalisation, storage, bytes };
  await writeFile(join(dir, LINEAR_BIN), buffer);
  await writeFile(join(dir, LINEAR_JSON), JSON.stringify(header, null, 2) + '\n');
}

/**
 * Reads a folder's linear form back (int8 dequantised to float32). Throws a PlotlineError naming the
 * file when one is missing, malformed, the wrong size, or does not match `genres`.
 */
export async function readLinearBag(dir: string, genres: number): Promise<LinearBag & { storage: LinearStorage }> {
  const headerFile = join(dir, LINEAR_JSON);
  const raw = await readJsonFile(headerFile, {
    readError: (code) => (code === 'ENOENT' ? 'missing: a bag model folder holds linear.json and linear.bin' : `cannot read (${code})`),
    invalid: (detail) => `is not valid JSON (${detail}); the model folder is corrupt`,
  });
  const parsed = LinearHeader.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlotlineError(`${issue.message} (expected the header of a bag's linear weights)`, { file: headerFile, field: issue.path.join('.') || undefined });
  }
  const header = parsed.data;
  if (header.genres !== genres) throw new PlotlineError(`describes ${header.genres} genres but the manifest lists ${genres}`, { file: headerFile, field: 'genres' });
  const binFile = join(dir, LINEAR_BIN);
  let bytes: Buffer;
  try {
    bytes = await readFile(binFile);
  } catch {
    throw new PlotlineError('missing: the model folder is incomplete', { file: binFile });
  }
  const expected = byteLength(header.rows, header.genres, header.storage);
  if (bytes.byteLength !== expected || header.bytes !== expected) {
    throw new PlotlineError(`holds ${bytes.byteLength} bytes, ${LINEAR_JSON} describes ${header.rows} x ${header.genres} ${header.storage} (${expected}): the model folder is corrupt`, { file: binFile });
  }
  let at = 0;
  const take = (n: number): Float32Array => {
    // The file is little-endian float32: on a little-endian machine one copy of the bytes (~40 ms less
    // for a default bag's 11 MB than reading value by value), else value by value.
    if (LITTLE_ENDIAN) {
      const out = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 4 * n));
      at += 4 * n;
      return out;
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++, at += 4) out[i] = bytes.readFloatLE(at);
    return out;
  };
  const k = header.genres;
  let collapsed: Float32Array;
  let idf: Float32Array;
  let bias: Float32Array;
  if (header.storage === 'float32') {
    collapsed = take(header.rows * k);
    idf = take(header.rows);
    bias = take(k);
  } else {
    const scales = take(header.rows);
    idf = take(header.rows);
    bias = take(k);
    const quantised = new Int8Array(bytes.buffer, bytes.byteOffset + at, header.rows * k);
    collapsed = new Float32Array(header.rows * k);
    for (let r = 0; r < header.rows; r++) for (let g = 0; g < k; g++) collapsed[r * k + g] = quantised[r * k + g] * scales[r];
  }
  return { collapsed, idf, bias, normalisation: header.normalisation, storage: header.storage };
}
