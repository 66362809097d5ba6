/**
 * On-disk cache of sentence embeddings, so that a second `train` or `compare` run over the same
 * descriptions does not spend another minute in the encoder. One file per encoder, keyed by the
 * encoder's id (which names its weights, see SentenceEncoder.id) and the SHA-256 of each text.
 *
 * File: `<dir>/embeddings/<first 16 hex digits of sha256(encoder id)>.bin`, little-endian:
 *
 * | offset            | size          | content                                                    |
 * |-------------------|---------------|------------------------------------------------------------|
 * | 0                 | 8             | magic `PLTNEMB\n`                                          |
 * | 8                 | 4             | format version, uint32 (1)                                 |
 * | 12                | 4             | dimension d, uint32                                        |
 * | 16                | 4             | entry count n, uint32                                      |
 * | 20                | 4             | byte length L of the encoder id, uint32                    |
 * | 24                | L, padded     | encoder id, UTF-8, zero-padded to a multiple of 4          |
 * | h = 24 + pad4(L)  | 32 n          | the n text hashes, 32 bytes each                           |
 * | h + 32 n          | 4 d n         | the n vectors, float32, row i belonging to hash i          |
 * | end - 32          | 32            | SHA-256 of every byte before it                            |
 *
 * Decisions:
 * - The text hash is SHA-256 of the string's UTF-16LE code units, not of its UTF-8: UTF-8 turns
 *   every lone surrogate into U+FFFD, so two different strings would share a key. Nothing is
 *   trimmed or normalised: the key is the exact text the encoder saw.
 * - Hashes and vectors are in two blocks so that loading is one copy of the vector block, and the
 *   vectors start 4-byte aligned.
 * - The full encoder id is in the header and checked on open, so a hash-prefix collision between
 *   two ids reads as a mismatch rather than as the other encoder's vectors.
 * - A cache is disposable: a missing file is an empty cache, and a file that is unreadable,
 *   truncated, fails its checksum, has another version, encoder id or dimension is ignored with a
 *   `warning` (the next save replaces it). Nothing in it can fail a run.
 * - Saving writes the whole cache to a temporary sibling and renames it over the file, so readers
 *   see the old or the new file, never half of one; the trailing checksum catches what the rename
 *   cannot (a torn write after a power loss), so there is no fsync. Two processes saving at once:
 *   the last rename wins and the other's new entries are recomputed next time.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PlotlineError } from '../util/errors.js';
import { temporarySibling } from '../util/temporary-path.js';
import type { SentenceEncoder } from './sentence-encoder.js';

export { defaultCacheDir } from './cache-dir.js';

const MAGIC = Buffer.from('PLTNEMB\n', 'latin1');
const VERSION = 1;
const HEADER_FIXED = 24;
const HASH_BYTES = 32;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The file holding `encoderId`'s embeddings under `dir` (see the file comment). */
export function embeddingCacheFile(dir: string, encoderId: string): string {
  const name = createHash('sha256').update(encoderId, 'utf8').digest('hex').slice(0, 16);
  return join(dir, 'embeddings', `${name}.bin`);
}

/** The cache key of `text`: SHA-256 of its UTF-16LE code units, as base64 (see the file comment). */
function textKey(text: string): string {
  return createHash('sha256').update(Buffer.from(text, 'utf16le')).digest('base64');
}

export class EmbeddingCache {
  /** Why the file on disk was ignored (corrupt, other version, id or dimension), else null. */
  readonly warning: string | null;

  /** Row of each text key in `data`, and the keys in row order (for saving). */
  private readonly rows = new Map<string, number>();
  private readonly keys: string[] = [];
  /** Rows of `dimension` floats; its length is the capacity. */
  private data: Float32Array;
  private dirty = false;

  private constructor(
    /** The file this cache loads from and saves to. */
    readonly file: string,
    readonly encoderId: string,
    readonly dimension: number,
    warning: string | null,
  ) {
    this.warning = warning;
    this.data = new Float32Array(0);
  }

  /**
   * Opens (or starts empty) the cache for one encoder under `dir`. A file that cannot be used
   * (unreadable, corrupt, another format version, encoder id or dimension) gives an empty cache and
   * says why in `warning`; this never throws for the file's sake, as a cache is disposable.
   */
  static async open(dir: string, encoderId: string, dimension: number): Promise<EmbeddingCache> {
    if (!Number.isInteger(dimension) || dimension <= 0) {
      throw new RangeError(`the embedding dimension must be a positive integer, got ${dimension}`);
    }
    if (encoderId === '') throw new RangeError('the encoder id is empty');
    const file = embeddingCacheFile(dir, encoderId);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new EmbeddingCache(file, encoderId, dimension, null);
      return EmbeddingCache.ignoring(file, encoderId, dimension, `cannot be read (${(error as Error).message})`);
    }
    const parsed = parse(bytes, encoderId, dimension);
    if (typeof parsed === 'string') return EmbeddingCache.ignoring(file, encoderId, dimension, parsed);
    const cache = new EmbeddingCache(file, encoderId, dimension, null);
    cache.data = parsed.vectors;
    parsed.keys.forEach((key, row) => {
      // A well-formed file has no repeated hash; if one had, the later row would win and the
      // earlier one would stay as dead weight until the next save, so drop it by rewriting then.
      if (cache.rows.has(key)) cache.dirty = true;
      cache.rows.set(key, row);
    });
    cache.keys.push(...parsed.keys);
    return cache;
  }

  private static ignoring(file: string, encoderId: string, dimension: number, reason: string): EmbeddingCache {
    return new EmbeddingCache(file, encoderId, dimension, `ignoring the embedding cache ${file}: ${reason}; starting empty`);
  }

  /** The cached vector of `text` (a copy), or undefined. */
  get(text: string): Float32Array | undefined {
    const row = this.rows.get(textKey(text));
    if (row === undefined) return undefined;
    return this.data.slice(row * this.dimension, (row + 1) * this.dimension);
  }

  /** Stores (a copy of) `vector` as the embedding of `text`, replacing any earlier one. */
  set(text: string, vector: Float32Array): void {
    if (vector.length !== this.dimension) {
      throw new RangeError(`expected a vector of ${this.dimension} values for the embedding cache, got ${vector.length}`);
    }
    const key = textKey(text);
    let row = this.rows.get(key);
    if (row !== undefined) {
      if (equal(this.data.subarray(row * this.dimension, (row + 1) * this.dimension), vector)) return;
    } else {
      row = this.keys.length;
      this.reserve(row + 1);
      this.rows.set(key, row);
      this.keys.push(key);
    }
    this.data.set(vector, row * this.dimension);
    this.dirty = true;
  }

  /** Number of texts cached. */
  get size(): number {
    return this.rows.size;
  }

  /**
   * Writes the cache if anything changed since it was opened or last saved: to a temporary sibling
   * first, then renamed over the file, so a crash never leaves a half-written cache. Throws a
   * PlotlineError naming the file when it cannot be written (leaving no temporary file behind).
   */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const bytes = serialize(this.encoderId, this.dimension, this.keys, this.rows, this.data);
    const temporary = temporarySibling(this.file);
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new PlotlineError(`cannot write the embedding cache: ${(error as Error).message}`, { file: this.file });
    }
    this.dirty = false;
  }

  /** Grows `data` to hold at least `rows` rows. */
  private reserve(rows: number): void {
    const needed = rows * this.dimension;
    if (this.data.length >= needed) return;
    const grown = new Float32Array(Math.max(needed, this.data.length * 2, 64 * this.dimension));
    grown.set(this.data);
    this.data = grown;
  }
}

function equal(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function pad4(length: number): number {
  return (length + 3) & ~3;
}

/** The file's bytes (see the file comment). Only rows still referenced by `rows` are written. */
function serialize(
  encoderId: string,
  dimension: number,
  keys: readonly string[],
  rows: ReadonlyMap<string, number>,
  data: Float32Array,
): Buffer {
  const live = keys.map((key, row) => [key, row] as const).filter(([key, row]) => rows.get(key) === row);
  const id = Buffer.from(encoderId, 'utf8');
  const hashesAt = HEADER_FIXED + pad4(id.length);
  const vectorsAt = hashesAt + HASH_BYTES * live.length;
  const rowBytes = 4 * dimension;
  const checksumAt = vectorsAt + rowBytes * live.length;
  const bytes = Buffer.alloc(checksumAt + HASH_BYTES);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(VERSION, 8);
  bytes.writeUInt32LE(dimension, 12);
  bytes.writeUInt32LE(live.length, 16);
  bytes.writeUInt32LE(id.length, 20);
  id.copy(bytes, HEADER_FIXED);
  const source = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  live.forEach(([key, row], i) => {
    Buffer.from(key, 'base64').copy(bytes, hashesAt + HASH_BYTES * i);
    bytes.set(source.subarray(row * rowBytes, (row + 1) * rowBytes), vectorsAt + rowBytes * i);
  });
  if (!LITTLE_ENDIAN) bytes.subarray(vectorsAt, checksumAt).swap32();
  createHash('sha256').update(bytes.subarray(0, checksumAt)).digest().copy(bytes, checksumAt);
  return bytes;
}

/** The entries of a cache file, or why it cannot be used. */
function parse(bytes: Buffer, encoderId: string, dimension: number): { keys: string[]; vectors: Float32Array } | string {
  if (bytes.length < HEADER_FIXED + HASH_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    return 'not a Plotline embedding cache';
  }
  const version = bytes.readUInt32LE(8);
  if (version !== VERSION) return `format version ${version}, this Plotline reads ${VERSION}`;
  const fileDimension = bytes.readUInt32LE(12);
  const count = bytes.readUInt32LE(16);
  const idLength = bytes.readUInt32LE(20);
  const hashesAt = HEADER_FIXED + pad4(idLength);
  const vectorsAt = hashesAt + HASH_BYTES * count;
  const checksumAt = vectorsAt + 4 * fileDimension * count;
  if (checksumAt + HASH_BYTES !== bytes.length) {
    return `its size (${bytes.length} bytes) does not match its header (${count} vectors of ${fileDimension}); truncated?`;
  }
  const checksum = createHash('sha256').update(bytes.subarray(0, checksumAt)).digest();
  if (!checksum.equals(bytes.subarray(checksumAt))) return 'its checksum does not match: the file is corrupt';
  const fileId = bytes.toString('utf8', HEADER_FIXED, HEADER_FIXED + idLength);
  if (fileId !== encoderId) return `it belongs to encoder "${fileId}", not "${encoderId}"`;
  if (fileDimension !== dimension) return `its vectors have ${fileDimension} values, the encoder gives ${dimension}`;

  const keys: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    keys[i] = bytes.toString('base64', hashesAt + HASH_BYTES * i, hashesAt + HASH_BYTES * (i + 1));
  }
  const vectors = new Float32Array(count * dimension);
  const target = new Uint8Array(vectors.buffer);
  target.set(bytes.subarray(vectorsAt, checksumAt));
  if (!LITTLE_ENDIAN) Buffer.from(vectors.buffer).swap32();
  return { keys, vectors };
}

export interface EmbedWithCacheResult {
  /** texts.length x dimension, row-major, in input order. */
  vectors: Float32Array;
  /** Distinct texts found in the cache. */
  hits: number;
  /** Distinct texts the encoder embedded (all of them when there is no cache). */
  misses: number;
  /**
   * Set when the new embeddings could not be saved (the vectors are still returned: a cache that
   * cannot be written costs time on the next run, not this run's result).
   */
  warning: string | null;
}

/**
 * Embeds only the texts the cache lacks, each distinct text once and in one `encoder.embed` call
 * (none when everything is cached), stores them, saves the cache, and returns every row in input
 * order. `cache` null means no caching (duplicates are still embedded once). `onProgress` gets the
 * count of texts embedded so far and how many need embedding. `cache` must have been opened for
 * this encoder's id and dimension.
 */
export async function embedWithCache(
  encoder: SentenceEncoder,
  texts: readonly string[],
  cache: EmbeddingCache | null,
  onProgress?: (done: number, total: number) => void,
): Promise<EmbedWithCacheResult> {
  const dimension = encoder.dimension;
  if (cache !== null && (cache.encoderId !== encoder.id || cache.dimension !== dimension)) {
    throw new Error(
      `the embedding cache is for ${cache.encoderId} (${cache.dimension} values), not ${encoder.id} (${dimension} values)`,
    );
  }
  const vectors = new Float32Array(texts.length * dimension);
  const firstRow = new Map<string, number>();
  /** [row, first row of the same text], filled by copying once every first row is. */
  const repeats: [number, number][] = [];
  const missing: string[] = [];
  const missingRows: number[] = [];
  let hits = 0;
  texts.forEach((text, row) => {
    const first = firstRow.get(text);
    if (first !== undefined) {
      repeats.push([row, first]);
      return;
    }
    firstRow.set(text, row);
    const cached = cache?.get(text);
    if (cached !== undefined) {
      hits++;
      vectors.set(cached, row * dimension);
    } else {
      missing.push(text);
      missingRows.push(row);
    }
  });

  let warning: string | null = null;
  if (missing.length > 0) {
    let reported = -1;
    const embedded = await encoder.embed(missing, (done) => {
      reported = done;
      onProgress?.(done, missing.length);
    });
    if (embedded.length !== missing.length * dimension) {
      throw new Error(`encoder ${encoder.id} returned ${embedded.length} values for ${missing.length} texts of ${dimension}`);
    }
    if (reported !== missing.length) onProgress?.(missing.length, missing.length);
    missing.forEach((text, i) => {
      const vector = embedded.subarray(i * dimension, (i + 1) * dimension);
      vectors.set(vector, missingRows[i] * dimension);
      cache?.set(text, vector);
    });
    if (cache !== null) {
      try {
        await cache.save();
      } catch (error) {
        warning = (error as Error).message;
      }
    }
  }
  for (const [row, first] of repeats) {
    vectors.copyWithin(row * dimension, first * dimension, (first + 1) * dimension);
  }
  return { vectors, hits, misses: missing.length, warning };
}
