/**
 * Worker threads that score chunks of texts for `predict --input --workers N`. Each worker loads the
 * model itself and runs its own tfjs wasm backend (one thread each), so N workers use N cores; results
 * come back as promises, which `mapInOrder` writes in input order. The threads are a piscina pool
 * (../util/thread-pool.ts).
 */
import { ThreadPool, threadEntry } from '../util/thread-pool.js';
import type { ScoreRequest, ScoringWorkerData } from './protocol.js';
import type { FieldValues } from '../models/genre-model.js';

export class ScoringPool {
  private constructor(private readonly pool: ThreadPool<ScoreRequest, Uint8Array>) {}

  /** Starts `size` workers and waits until every one has loaded the model (or one fails to). */
  static async start(size: number, data: ScoringWorkerData): Promise<ScoringPool> {
    return new ScoringPool(await ThreadPool.start(threadEntry(import.meta.url, 'scoring-worker'), size, data, 'scoring worker'));
  }

  get size(): number {
    return this.pool.size;
  }

  /** JSON Lines (UTF-8) for one chunk, one line per text, in the chunk's order. */
  score(ids: string[], texts: string[], fields?: FieldValues[]): Promise<Uint8Array> {
    return this.pool.run({ ids, texts, fields });
  }

  /** Stops every worker; outstanding chunks are rejected. Safe to call more than once. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
