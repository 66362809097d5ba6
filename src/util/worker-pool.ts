/**
 * A pool of worker threads that each set themselves up once (load a model, start a tfjs backend) and
 * then run tasks. Plotline uses threads to use both cores: tfjs's wasm backend runs one thread, so N
 * workers with a backend each do N times the work (batch scoring, embedding with the Universal
 * Sentence Encoder). A task goes to the worker with the fewest outstanding (the idle one when there is
 * one); results come back as promises.
 *
 * The worker side is `serveWorkerTasks` (worker-tasks.ts); messages are defined here.
 */
import { Worker } from 'node:worker_threads';
import { PlotlineError } from './errors.js';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** main -> worker */
export interface TaskMessage<Task> {
  type: 'task';
  id: number;
  task: Task;
}

/** worker -> main */
export type WorkerMessage<Result> =
  | { type: 'ready' }
  | { type: 'failed'; error: SerializedError }
  | { type: 'done'; id: number; result: Result }
  | { type: 'error'; id: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** A worker's error as the main thread rethrows it: a PlotlineError stays one (its message already names the file). */
export function deserializeError(error: SerializedError, context: string): Error {
  if (error.name === 'PlotlineError') return new PlotlineError(error.message);
  const rebuilt = new Error(`${context}: ${error.message}`);
  if (error.stack !== undefined) rebuilt.stack = `${context}: ${error.stack}`;
  return rebuilt;
}

/**
 * How to start the worker module `name` that sits next to `callerUrl` (pass `import.meta.url`): the
 * compiled `name.js`, or, when the caller is TypeScript run by tsx (tests, benchmarks), `name.ts`
 * loaded through tsx. Node 20 ignores `--import tsx` in a worker's execArgv (nodejs/node#47747), so
 * there the worker is a two-line bootstrap that imports the .ts entry with tsx's `tsImport`.
 */
export function workerSource(callerUrl: string, name: string): { entry: URL; eval: boolean; code: string | URL } {
  // tsx may add a query (…/file.ts?tsx-namespace=…) to a module's URL inside a worker.
  if (!new URL(callerUrl).pathname.endsWith('.ts')) {
    const entry = new URL(`./${name}.js`, callerUrl);
    return { entry, eval: false, code: entry };
  }
  const entry = new URL(`./${name}.ts`, callerUrl);
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(callerUrl)}));`;
  return { entry, eval: true, code };
}

interface Pending<Result> {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

interface PoolWorker<Result> {
  index: number;
  worker: Worker;
  pending: Map<number, Pending<Result>>;
  /** Set once the worker has failed or exited; its later tasks are refused. */
  dead: Error | null;
}

export class WorkerPool<Task, Result> {
  private nextTask = 0;
  private closed = false;

  private constructor(
    private readonly workers: PoolWorker<Result>[],
    private readonly label: string,
  ) {}

  /**
   * Starts `size` workers of `source` (see workerSource), each given `workerData`, and waits until
   * every one is ready (or one fails to start). `label` names them in errors, e.g. "scoring worker".
   */
  static async start<Task, Result>(size: number, source: { eval: boolean; code: string | URL }, workerData: unknown, label: string): Promise<WorkerPool<Task, Result>> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`${label} pool: size must be a whole number >= 1, got ${size}`);
    const workers: PoolWorker<Result>[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < size; index++) {
      const worker = new Worker(source.code, { eval: source.eval, workerData });
      const entry: PoolWorker<Result> = { index, worker, pending: new Map(), dead: null };
      const name = `${label} ${index + 1}`;
      workers.push(entry);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const fail = (error: Error): void => {
            if (entry.dead === null) entry.dead = error;
            for (const p of entry.pending.values()) p.reject(error);
            entry.pending.clear();
            reject(error); // no-op once ready
          };
          const settle = (id: number): Pending<Result> | undefined => {
            const p = entry.pending.get(id);
            entry.pending.delete(id);
            return p;
          };
          worker.on('message', (message: WorkerMessage<Result>) => {
            switch (message.type) {
              case 'ready':
                resolve();
                break;
              case 'failed':
                fail(deserializeError(message.error, `${name} could not start`));
                break;
              case 'done':
                settle(message.id)?.resolve(message.result);
                break;
              case 'error':
                settle(message.id)?.reject(deserializeError(message.error, name));
                break;
            }
          });
          worker.on('error', (error) => fail(error instanceof Error ? error : new Error(String(error))));
          worker.on('exit', (code) => fail(new Error(`${name} stopped (exit code ${code})`)));
        }),
      );
    }
    const pool = new WorkerPool<Task, Result>(workers, label);
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

  /** Runs one task on the least busy worker. */
  run(task: Task, transfer: ArrayBuffer[] = []): Promise<Result> {
    if (this.closed) return Promise.reject(new Error(`${this.label} pool: closed`));
    // The least busy live worker: one that died is skipped, so the others carry on without it.
    const live = this.workers.filter((w) => w.dead === null);
    if (live.length === 0) return Promise.reject(this.workers[0].dead ?? new Error(`${this.label} pool: no worker left`));
    let target = live[0];
    for (const w of live) if (w.pending.size < target.pending.size) target = w;
    const id = this.nextTask++;
    return new Promise<Result>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      const message: TaskMessage<Task> = { type: 'task', id, task };
      target.worker.postMessage(message, transfer);
    });
  }

  /** Stops every worker; outstanding tasks are rejected. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.dead === null) w.dead = new Error(`${this.label} pool: closed`);
        for (const p of w.pending.values()) p.reject(w.dead);
        w.pending.clear();
        await w.worker.terminate();
      }),
    );
  }
}
