/**
 * `predict --input FILE --output OUT --queue redis://...`: batch scoring spread over any number of
 * `plotline worker` processes through a BullMQ queue on Redis.
 *
 * The coordinator reads and checks the input (malformed rows fail the run or are skipped, exactly as
 * in `predict --input`), cuts it into shards of `shardSize` rows, writes each shard's rows to a work
 * folder on storage the workers share, and queues one job per shard as soon as it is cut (workers
 * start while the input is still being read). BullMQ gives each job to one worker, retries a failed one
 * (`attempts`, exponential backoff from `backoffMs`) and hands the job of a worker that died to another
 * (its stalled-job check). When every shard is done, their results are concatenated in shard order into
 * a temporary sibling of OUT, which is renamed into place: OUT is byte-identical to a single-process
 * `predict --input` run, and a failed run leaves no OUT. The work folder is removed either way.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { readPredictionInput, type PredictionInputRow } from '../data/prediction-input.js';
import { assertReadableFile, type RowProblem } from '../data/csv.js';
import type { ColumnOptions } from '../data/columns.js';
import type { FileFormat } from '../data/records.js';
import { readModelId } from '../models/model-id.js';
import { readFieldChecks, readManifest } from '../models/storage.js';
import type { FieldValueProblems } from '../batch/field-value-problems.js';
import type { DuplicateIds } from '../batch/duplicate-ids.js';
import type { BlankIds } from '../batch/blank-ids.js';
import type { UnknownFamilies } from '../batch/unknown-families.js';
import type { FieldlessRows } from '../batch/fieldless-rows.js';
import { watchInputRows } from '../batch/input-checks.js';
import type { GenreRules } from '../models/genre-rules.js';
import { cannotWriteOutput } from '../util/write-error.js';
import { PlotlineError } from '../util/errors.js';
import { temporarySibling } from '../util/temporary-path.js';
import { readyWithin, redisConnection } from './redis-connection.js';
import { DEFAULT_QUEUE_NAME, SHARD_JOB_NAME, shardJobId, type ShardJob } from './shard-job.js';
import { shardPaths, writeShardRows } from './shard-files.js';
import type { ShardProgress } from './shard-progress.js';
import type { ScoreChoice } from '../batch/score-choice.js';

/** Rows per shard by default: ~1 s of `bag` scoring, a few MB of rows. */
export const DEFAULT_SHARD_ROWS = 10_000;
const KEPT_PROBLEMS = 20;
/** How often the coordinator asks Redis about shards it has heard nothing of (events are the fast path). */
const POLL_MS = 2_000;

export interface QueueScoreOptions {
  model: string;
  input: string;
  output: string;
  /** The Redis server's URL (already checked by parseRedisUrl). */
  queue: URL;
  queueName?: string;
  /** Rows per shard (default DEFAULT_SHARD_ROWS). */
  shardSize?: number;
  onError?: 'skip' | 'fail';
  thresholds?: number;
  topK?: number;
  /** `--scores`: which genres' scores each output row holds (default all). */
  scores?: ScoreChoice;
  /** Tries per shard before the run fails (default 3), and the first retry's delay in ms (doubling). */
  attempts?: number;
  backoffMs?: number;
  /** Folder for shard files, on storage every worker sees (default: a hidden sibling of `output`). */
  workDir?: string;
  /** How long to wait for Redis before failing (default 10 s). */
  connectTimeoutMs?: number;
  progress?: ShardProgress;
  /** Aborting stops the run like a failure: its queued shards are removed, no output is written. */
  signal?: AbortSignal;
  /** Column flags for the input (`--text-column`, `--id-column`); the model's saved mapping comes next. */
  columns?: ColumnOptions;
  format?: FileFormat;
}

export interface QueueScoreResult {
  rows: number;
  shards: number;
  skipped: number;
  /** The first skipped rows, in input order. */
  problems: RowProblem[];
  seconds: number;
  /** Which worker scored each shard (its `host:pid`), in shard order. */
  workers: string[];
  /** Field values the model reads as missing (not a number, out of range), per field and problem, as `predict --input` reports them. */
  fieldValues: FieldValueProblems;
  /** Rows with an id seen before (batch/duplicate-ids.ts), as `predict --input` counts them. */
  duplicateIds: DuplicateIds;
  /** Rows of a file with an id column whose id was blank (batch/blank-ids.ts). */
  blankIds: BlankIds;
  /** Rows whose family field has a value the model's genre rules do not know (batch/unknown-families.ts). */
  unknownFamilies: UnknownFamilies;
  /** Rows the model reads nothing from (no value for any of its fields, or only values it drops; batch/fieldless-rows.ts). */
  fieldless: FieldlessRows;
  /** The catalogue fields the model reads (none for a description-only model). */
  fields: string[];
  /** The model's genre-set rules, or null. */
  rules: GenreRules | null;
}

/**
 * Scores `input` on the queue's workers into `output` (see the file comment). Throws PlotlineError when
 * the input, the model or Redis cannot be read, when a row is malformed (with onError 'fail'), or when a
 * shard fails for good (naming the shard, its input lines and the worker's reason).
 */
export async function scoreFileOnQueue(options: QueueScoreOptions): Promise<QueueScoreResult> {
  const shardSize = options.shardSize ?? DEFAULT_SHARD_ROWS;
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new PlotlineError(`--shard-size must be a whole number >= 1, got ${shardSize}`);
  if (!Number.isInteger(attempts) || attempts < 1) throw new PlotlineError(`--attempts must be a whole number >= 1, got ${attempts}`);
  await assertReadableFile(options.input);
  const modelId = await readModelId(options.model);
  const started = performance.now();
  const output = resolve(options.output);
  const run = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const workDir = resolve(options.workDir ?? join(dirname(output), `.${basename(output)}.shards-${run}`));
  const name = options.queueName ?? DEFAULT_QUEUE_NAME;

  const connection = redisConnection(options.queue);
  const queue = new Queue<ShardJob>(name, { connection });
  queue.on('error', () => {}); // connection errors: ioredis reconnects; readyWithin and the polls report
  let eventsConnection: Redis | null = null;
  let events: QueueEvents | null = null;
  const tracker = new ShardTracker();
  const problems: RowProblem[] = [];
  let skipped = 0;
  let rows = 0;
  let fieldValues: FieldValueProblems = new Map();
  let duplicateIds: DuplicateIds = { count: 0, first: null, limitReached: false };
  let blankIds: BlankIds = { count: 0, lines: [], column: null };
  let unknownFamilies: UnknownFamilies = { count: 0, lines: [], values: [] };
  let fieldless: FieldlessRows = { count: 0, rows: 0, unusable: 0 };
  let fields: string[] = [];
  let rules: GenreRules | null = null;
  let poller: NodeJS.Timeout | undefined;
  try {
    const timeout = options.connectTimeoutMs ?? 10_000;
    await readyWithin(queue.waitUntilReady(), options.queue, timeout);
    // Only once Redis answers: a QueueEvents that never connected does not close.
    eventsConnection = redisConnection(options.queue);
    events = new QueueEvents(name, { connection: eventsConnection });
    events.on('error', () => {});
    await readyWithin(events.waitUntilReady(), options.queue, timeout);
    await mkdir(workDir, { recursive: true });

    const report = () => options.progress?.update({ done: tracker.done, queued: tracker.queued, rows: tracker.rowsDone, complete: tracker.complete });
    tracker.onChange = report;
    events.on('completed', ({ jobId, returnvalue }) => tracker.completed(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => {
      if (!tracker.isPending(jobId)) return;
      // A failed attempt with attempts left goes back to the queue; only a final failure ends the run.
      void queue.getJobState(jobId).then((state) => {
        if (state === 'failed') tracker.failed(jobId, failedReason);
      }, () => {});
    });
    poller = setInterval(() => void pollPending(queue, tracker), POLL_MS);
    const abort = () => tracker.abort(new PlotlineError('interrupted: the queued shards were removed and no output written'));
    if (options.signal?.aborted === true) abort();
    options.signal?.addEventListener('abort', abort, { once: true });

    // The input is read as `predict --input` reads it: the model's saved columns and catalogue fields,
    // which travel to the workers inside each shard's rows.
    const catalogue = (await readManifest(options.model)).catalogue;
    // The rows are read here, so their field values are checked here, as scoreFile checks them.
    const fieldChecks = await readFieldChecks(options.model);
    const read = readPredictionInput(options.input, {
      columns: options.columns,
      saved: catalogue?.columns,
      fields: [...(catalogue?.fields ?? [])],
      format: options.format,
      onError: options.onError ?? 'fail',
      onProblem: (problem) => {
        skipped += 1;
        if (problems.length < KEPT_PROBLEMS) problems.push(problem);
      },
    });
    // Checked as `predict --input` checks its rows (batch/score-file.ts), in the same order.
    fields = [...(catalogue?.fields ?? [])];
    rules = catalogue?.rules ?? null;
    const watched = watchInputRows(read, fields, rules, fieldChecks?.values ?? null, fieldChecks?.uses ?? null);
    ({ fieldless, unknownFamilies, fieldValues, duplicateIds, blankIds } = watched.found);
    const input = watched.rows;
    let shard = 0;
    for await (const batch of shards(input, shardSize)) {
      if (tracker.failure !== null) throw tracker.failure; // a shard failed for good: stop reading
      const paths = shardPaths(workDir, shard);
      await writeShardRows(paths.rows, batch);
      const job: ShardJob = {
        run,
        shard,
        modelId,
        rows: paths.rows,
        output: paths.output,
        count: batch.length,
        firstLine: batch[0].line,
        lastLine: batch[batch.length - 1].line,
        ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }),
        ...(options.topK === undefined ? {} : { topK: options.topK }),
        // Left out for the default, so a job for every score reads as before.
        ...(options.scores === undefined || options.scores === 'all' ? {} : { scores: options.scores }),
      };
      const id = shardJobId(run, shard);
      tracker.queue(id, job);
      await queue.add(SHARD_JOB_NAME, job, {
        jobId: id,
        attempts,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 1_000 },
        removeOnComplete: { age: 3_600 },
        removeOnFail: { age: 7 * 86_400 },
      });
      rows += batch.length;
      shard += 1;
    }
    tracker.close();
    const workers = await tracker.finished;
    await assemble(tracker.jobs(), output);
    return { rows, shards: shard, skipped, problems, seconds: (performance.now() - started) / 1000, workers, fieldValues, duplicateIds, blankIds, unknownFamilies, fieldless, fields, rules };
  } catch (error) {
    // Nothing is left queued for a run that has failed (a shard being scored finishes, or fails on the missing folder).
    await Promise.all(tracker.pendingIds().map((id) => queue.remove(id).catch(() => 0)));
    throw error;
  } finally {
    clearInterval(poller);
    await events?.close().catch(() => {});
    await queue.close().catch(() => {});
    connection.disconnect();
    eventsConnection?.disconnect();
    // A worker may still be writing into the folder (a shard it took before the run failed): retried
    // removal, and a cleanup problem never hides the run's own error.
    await rm(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  }
}

async function* shards(rows: AsyncIterable<PredictionInputRow>, size: number): AsyncGenerator<PredictionInputRow[]> {
  let batch: PredictionInputRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Asks Redis for the state of shards no event has settled (a missed event, a coordinator reconnect). */
async function pollPending(queue: Queue<ShardJob>, tracker: ShardTracker): Promise<void> {
  for (const id of tracker.pendingIds()) {
    try {
      const job = await queue.getJob(id);
      if (job === undefined) continue;
      const state = await job.getState();
      if (state === 'completed') tracker.completed(id, job.returnvalue);
      else if (state === 'failed') tracker.failed(id, job.failedReason);
    } catch {
      return; // Redis unreachable for now: ioredis reconnects, the next poll tries again
    }
  }
}

/** Concatenates the shards' results in shard order into `output`, atomically; checks each one's line count. */
async function assemble(jobs: readonly ShardJob[], output: string): Promise<void> {
  const temporary = temporarySibling(output);
  let file;
  try {
    file = await open(temporary, 'wx');
  } catch (error) {
    throw cannotWriteOutput(error, output);
  }
  try {
    for (const job of jobs) {
      let lines = 0;
      for await (const chunk of createReadStream(job.output)) {
        const bytes = chunk as Buffer;
        for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines += 1;
        await file.write(bytes);
      }
      if (lines !== job.count) {
        throw new PlotlineError(`shard ${job.shard} (input lines ${job.firstLine}-${job.lastLine}) has ${lines} result lines, expected ${job.count}`, { file: job.output });
      }
    }
    await file.close();
    await rename(temporary, output);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    if (error instanceof PlotlineError) throw error;
    throw new PlotlineError(`cannot assemble the output (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: output });
  }
}

/** Which shards are queued, done and failed; `finished` settles once every shard is done, or one failed. */
class ShardTracker {
  private readonly byId = new Map<string, ShardJob>();
  private readonly pending = new Set<string>();
  private readonly workerOf = new Map<number, string>();
  private closed = false;
  /** The first shard failure, once there is one. */
  failure: PlotlineError | null = null;
  done = 0;
  rowsDone = 0;
  onChange: () => void = () => {};
  readonly finished: Promise<string[]>;
  private resolve!: (workers: string[]) => void;
  private reject!: (error: Error) => void;

  constructor() {
    this.finished = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {});
  }

  get queued(): number {
    return this.byId.size;
  }

  get complete(): boolean {
    return this.closed;
  }

  queue(id: string, job: ShardJob): void {
    this.byId.set(id, job);
    this.pending.add(id);
    this.onChange();
  }

  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  pendingIds(): string[] {
    return [...this.pending];
  }

  jobs(): ShardJob[] {
    return [...this.byId.values()].sort((a, b) => a.shard - b.shard);
  }

  /** Every shard has been queued. */
  close(): void {
    this.closed = true;
    this.onChange();
    this.settle();
  }

  completed(id: string, result: unknown): void {
    if (!this.pending.delete(id)) return;
    const job = this.byId.get(id)!;
    this.done += 1;
    this.rowsDone += job.count;
    const worker = (result as { worker?: unknown } | null)?.worker;
    this.workerOf.set(job.shard, typeof worker === 'string' ? worker : '?');
    this.onChange();
    this.settle();
  }

  /** Ends the run with `error` (an interruption). */
  abort(error: PlotlineError): void {
    this.failure ??= error;
    this.reject(this.failure);
  }

  failed(id: string, reason: string): void {
    if (!this.pending.delete(id)) return;
    const job = this.byId.get(id)!;
    this.failure ??= new PlotlineError(`shard ${job.shard} (input lines ${job.firstLine}-${job.lastLine}) failed on the queue: ${reason}`);
    this.reject(this.failure);
  }

  private settle(): void {
    if (this.closed && this.pending.size === 0) this.resolve(this.jobs().map((job) => this.workerOf.get(job.shard) ?? '?'));
  }
}
