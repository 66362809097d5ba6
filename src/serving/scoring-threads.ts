/**
 * The server's scoring threads: a piscina pool of worker threads, each holding the model (on its own
 * tfjs backend for a model that needs one; a saved bag's collapsed form needs none). The HTTP thread only parses, validates, batches and answers; every forward pass and
 * every occlusion explanation runs here, so a heavy request delays other scoring (queued behind it in
 * the pool) but never the event loop, and /healthz answers in milliseconds under any load.
 *
 * Piscina queues tasks beyond the threads; when `maxQueue` tasks are waiting, new ones are refused
 * (the route answers 503 `overloaded`) instead of piling up without bound.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Explanation } from '../explain/occlusion.js';
import type { FieldValues } from '../models/genre-model.js';
import type { ScoringResult, ScoringTask, ScoringThreadData } from './scoring-protocol.js';

/** Piscina's message when its queue is full (piscina/dist/errors.js, TaskQueueAtLimit). */
const QUEUE_FULL = 'Task queue is at limit';

export class ScoringThreads {
  private constructor(private readonly pool: Piscina<ScoringTask, ScoringResult>) {}

  /**
   * Starts `threads` threads that load `data.modelDir`, and resolves once one of them has loaded it
   * (rejects with the loading error otherwise, after stopping the threads).
   */
  static async start(threads: number, maxQueue: number, data: ScoringThreadData): Promise<ScoringThreads> {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`scoring threads must be a whole number >= 1, got ${threads}`);
    // Compiled: scoring-thread.js beside this file. Under tsx (tests, benchmarks) the .ts entry, with
    // tsx loaded in the thread too (Node 20.20 honours --import in a worker's execArgv).
    const typescript = import.meta.url.endsWith('.ts');
    const pool = new Piscina<ScoringTask, ScoringResult>({
      filename: fileURLToPath(new URL(typescript ? './scoring-thread.ts' : './scoring-thread.js', import.meta.url)),
      execArgv: typescript ? ['--import', 'tsx'] : [],
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      maxQueue,
      workerData: data,
    });
    const scoring = new ScoringThreads(pool);
    try {
      await Promise.all(Array.from({ length: threads }, () => pool.run({ type: 'ready' })));
    } catch (error) {
      await scoring.close();
      throw error;
    }
    return scoring;
  }

  /** Raw probabilities for `texts` (texts x genres, row-major), with each text's catalogue fields if given. */
  score(texts: readonly string[], fields?: readonly (FieldValues | undefined)[]): Promise<Float32Array> {
    return this.pool.run({ type: 'score', texts: [...texts], fields: fields === undefined ? undefined : [...fields] }) as Promise<Float32Array>;
  }

  /** The occlusion explanation of `genre` (null: the best genre) for `text` with its `fields`, rules applied. */
  explain(text: string, genre: string | null, fields?: FieldValues, thresholds?: number | number[]): Promise<Explanation> {
    return this.pool.run({ type: 'explain', text, genre, fields, thresholds }) as Promise<Explanation>;
  }

  /** Tasks waiting for a thread. */
  get queued(): number {
    return this.pool.queueSize;
  }

  /** Stops the threads; tasks still queued are rejected. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** True for the error a full queue raises (the server answers 503 `overloaded`). */
export function isQueueFull(error: unknown): boolean {
  return error instanceof Error && error.message === QUEUE_FULL;
}
