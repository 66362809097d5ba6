/**
 * A pool of worker threads that score chunks of texts. Each worker loads the model itself and runs
 * its own tfjs wasm backend (one thread each), so N workers use N cores. A chunk goes to the worker
 * with the fewest chunks outstanding (the idle one when there is one); results come back as promises,
 * which `scoreInOrder` writes in input order.
 *
 * The worker file is found next to this one (see scoringWorkerSource).
 */
import { Worker } from 'node:worker_threads';
import { deserializeError, type ScoreRequest, type ScoringWorkerData, type WorkerMessage } from './protocol.js';

interface Pending {
  resolve: (lines: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  index: number;
  worker: Worker;
  pending: Map<number, Pending>;
  /** Set once the worker has failed or exited; its later tasks are refused. */
  dead: Error | null;
}

/**
 * How to start a worker: the compiled `scoring-worker.js` next to this file, or, when this file is
 * TypeScript run by tsx (tests, benchmarks), `scoring-worker.ts` loaded through tsx. Node 20 ignores
 * `--import tsx` in a worker's execArgv (nodejs/node#47747), so there the worker is a two-line
 * bootstrap that imports the .ts entry with tsx's `tsImport`.
 */
export function scoringWorkerSource(): { entry: URL; eval: boolean; code: string | URL } {
  if (!import.meta.url.endsWith('.ts')) {
    const entry = new URL('./scoring-worker.js', import.meta.url);
    return { entry, eval: false, code: entry };
  }
  const entry = new URL('./scoring-worker.ts', import.meta.url);
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}));`;
  return { entry, eval: true, code };
}

export class ScoringPool {
  private nextTask = 0;
  private closed = false;

  private constructor(private readonly workers: PoolWorker[]) {}

  /** Starts `size` workers and waits until every one has loaded the model (or one fails to). */
  static async start(size: number, data: ScoringWorkerData): Promise<ScoringPool> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`ScoringPool: size must be a whole number >= 1, got ${size}`);
    const source = scoringWorkerSource();
    const workers: PoolWorker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < size; index++) {
      const worker = new Worker(source.code, { eval: source.eval, workerData: data });
      const entry: PoolWorker = { index, worker, pending: new Map(), dead: null };
      workers.push(entry);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const fail = (error: Error): void => {
            if (entry.dead === null) entry.dead = error;
            for (const p of entry.pending.values()) p.reject(error);
            entry.pending.clear();
            reject(error); // no-op once ready
          };
          worker.on('message', (message: WorkerMessage) => {
            switch (message.type) {
              case 'ready':
                resolve();
                break;
              case 'failed':
                fail(deserializeError(message.error, `scoring worker ${index + 1} could not start`));
                break;
              case 'scored': {
                const p = entry.pending.get(message.task);
                entry.pending.delete(message.task);
                p?.resolve(message.lines);
                break;
              }
              case 'error': {
                const p = entry.pending.get(message.task);
                entry.pending.delete(message.task);
                p?.reject(deserializeError(message.error, `scoring worker ${index + 1}`));
                break;
              }
            }
          });
          worker.on('error', (error) => fail(error instanceof Error ? error : new Error(String(error))));
          worker.on('exit', (code) => fail(new Error(`scoring worker ${index + 1} stopped (exit code ${code})`)));
        }),
      );
    }
    const pool = new ScoringPool(workers);
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** JSON Lines (UTF-8) for one chunk, one line per text, in the chunk's order. */
  score(ids: string[], texts: string[]): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('ScoringPool: closed'));
    let target = this.workers[0];
    for (const w of this.workers) if (w.pending.size < target.pending.size) target = w;
    if (target.dead !== null) return Promise.reject(target.dead);
    const task = this.nextTask++;
    return new Promise<Uint8Array>((resolve, reject) => {
      target.pending.set(task, { resolve, reject });
      const request: ScoreRequest = { type: 'score', task, ids, texts };
      target.worker.postMessage(request);
    });
  }

  /** Stops every worker; outstanding chunks are rejected. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.dead === null) w.dead = new Error('ScoringPool: closed');
        for (const p of w.pending.values()) p.reject(w.dead);
        w.pending.clear();
        await w.worker.terminate();
      }),
    );
  }
}
