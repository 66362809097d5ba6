/**
 * Worker-thread pools, on piscina: each thread sets itself up once (loads a model, starts its own tfjs
 * backend) and then runs tasks; piscina queues the tasks, hands each to an idle thread, transfers the
 * result buffers back without a copy, and replaces a thread that dies. tfjs's wasm backend computes on
 * one thread, so N threads with a backend each use N cores (batch scoring, embedding with the
 * Universal Sentence Encoder).
 *
 * A thread's error reaches the caller as a PlotlineError with its message when it was one (its message
 * already names the file or field), else as an Error prefixed with the pool's label. Structured cloning
 * would turn every error into a plain Error, so the worker side (`threadTask`) sends its errors as data.
 */
import { fileURLToPath } from 'node:url';
import { Piscina, move } from 'piscina';
import { PlotlineError } from './errors.js';

/** A thread's error as it crosses to the main thread. */
interface SentError {
  plotlineThreadError: { name: string; message: string; stack?: string };
}

/** The task every thread answers once set up: the pool's start waits for it. */
const READY = { plotlineThreadReady: true } as const;

/** The file a pool's threads run, and the Node options they need. */
export interface ThreadEntry {
  filename: string;
  execArgv: string[];
}

/**
 * The thread entry module `name` next to `callerUrl` (pass `import.meta.url`): the compiled `name.js`,
 * or, when the caller is TypeScript run by tsx (tests, benchmarks), `name.ts` with tsx loaded in the
 * thread (tsx may add a query to a module's URL, hence the pathname).
 */
export function threadEntry(callerUrl: string, name: string): ThreadEntry {
  const typescript = new URL(callerUrl).pathname.endsWith('.ts');
  return {
    filename: fileURLToPath(new URL(`./${name}.${typescript ? 'ts' : 'js'}`, callerUrl)),
    execArgv: typescript ? ['--import', 'tsx'] : [],
  };
}

export class ThreadPool<Task, Result> {
  private constructor(
    private readonly pool: Piscina,
    readonly size: number,
    private readonly label: string,
  ) {}

  /**
   * Starts `size` threads of `entry` (a module whose default export is a `threadTask`), each given
   * `workerData`, and waits until they answer (a thread that cannot set itself up fails the start with
   * its error, after the pool is stopped). `label` names the threads in errors, e.g. "scoring worker".
   * @throws RangeError when `size` is not a whole number >= 1.
   */
  static async start<Task, Result>(entry: ThreadEntry, size: number, workerData: unknown, label: string): Promise<ThreadPool<Task, Result>> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`${label} pool: size must be a whole number >= 1, got ${size}`);
    const pool = new ThreadPool<Task, Result>(
      new Piscina({ filename: entry.filename, execArgv: entry.execArgv, minThreads: size, maxThreads: size, idleTimeout: Number.POSITIVE_INFINITY, workerData }),
      size,
      label,
    );
    try {
      await Promise.all(Array.from({ length: size }, () => pool.send(READY, [], `${label} could not start`)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Runs one task on an idle thread (queued until one is); `transfer` buffers are moved, not copied. */
  run(task: Task, transfer: ArrayBuffer[] = []): Promise<Result> {
    return this.send(task, transfer, this.label) as Promise<Result>;
  }

  private async send(task: unknown, transfer: ArrayBuffer[], context: string): Promise<unknown> {
    let reply: unknown;
    try {
      reply = await this.pool.run(task, { transferList: transfer });
    } catch (error) {
      // The thread itself failed (it exited, or piscina refused the task).
      throw new Error(`${context}: ${(error as Error).message}`);
    }
    if (typeof reply === 'object' && reply !== null && 'plotlineThreadError' in reply) {
      const sent = (reply as SentError).plotlineThreadError;
      if (sent.name === 'PlotlineError') throw new PlotlineError(sent.message);
      const rebuilt = new Error(`${context}: ${sent.message}`);
      if (sent.stack !== undefined) rebuilt.stack = `${context}: ${sent.stack}`;
      throw rebuilt;
    }
    return reply;
  }

  /** Stops every thread; tasks still queued or running are rejected. Safe to call more than once. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/**
 * The worker side: the default export of a thread entry module. `setup` runs once per thread with the
 * pool's `workerData` (a failure fails every task with its error); each task's result is returned to
 * the pool, a typed array or ArrayBuffer moved rather than copied. Tasks on one thread run one at a
 * time (piscina's default), which is what a thread holding one tfjs backend wants.
 */
export function threadTask<Data, Task, Result>(data: Data, setup: (data: Data) => Promise<(task: Task) => Promise<Result>>): (task: Task) => Promise<unknown> {
  const handler = setup(data);
  handler.catch(() => {}); // reported by the first task, which awaits it
  return async (task) => {
    try {
      const handle = await handler;
      if (typeof task === 'object' && task !== null && 'plotlineThreadReady' in task) return true;
      const result = await handle(task);
      return ArrayBuffer.isView(result) || result instanceof ArrayBuffer ? move(result as ArrayBufferView) : result;
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      const sent: SentError = { plotlineThreadError: { name: e.name, message: e.message, stack: e.stack } };
      return sent;
    }
  };
}
