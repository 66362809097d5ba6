/**
 * Worker threads that score chunks of texts for `predict --input --workers N`. Each worker loads the
 * model itself and runs its own tfjs wasm backend (one thread each), so N workers use N cores; results
 * come back as promises, which `mapInOrder` writes in input order. The threads are a piscina pool
 * (../util/thread-pool.ts).
 */
import { ThreadPool, threadEntry } from '../util/thread-pool.js';
import type { ScoreRequest, ScoringWorkerData, SharedLinearBag, SliceRequest, SliceResult } from './protocol.js';
import type { FieldValues } from '../models/genre-model.js';

export class ScoringPool {
  private constructor(private readonly pool: ThreadPool<ScoreRequest | SliceRequest, Uint8Array | SliceResult>) {}

  /** Starts `size` workers and waits until every one has loaded the model (or one fails to). */
  static async start(size: number, data: ScoringWorkerData): Promise<ScoringPool> {
    return new ScoringPool(await ThreadPool.start(threadEntry(import.meta.url, 'scoring-worker'), size, data, 'scoring worker'));
  }

  get size(): number {
    return this.pool.size;
  }

  /**
   * JSON Lines (UTF-8) for one chunk, one line per text, in the chunk's order; `linearBag`: the bag to
   * score with, for a pool started with `bagInRequests`.
   */
  score(ids: string[], texts: string[], fields?: FieldValues[], linearBag?: SharedLinearBag): Promise<Uint8Array> {
    return this.pool.run({ ids, texts, fields, linearBag }) as Promise<Uint8Array>;
  }

  /** A slice of a CSV file read, scored and written on a worker (score-slice.ts); its bytes are moved there, not copied. */
  scoreSlice(request: SliceRequest): Promise<SliceResult> {
    const { bytes } = request.slice;
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    return this.pool.run(request, own ? [bytes.buffer as ArrayBuffer] : []) as Promise<SliceResult>;
  }

  /** Stops every worker; outstanding chunks are rejected. Safe to call more than once. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
