/**
 * `plotline worker`: takes shard jobs from the BullMQ queue and scores them with one loaded model.
 *
 * Each job is checked (schema, then the model id: a shard queued for another model fails at once,
 * without retries, saying which model it needs), its rows are read from shared storage, scored through
 * the same code as `predict --input`, and the result written atomically. A thrown error fails the
 * attempt and BullMQ retries it (with the coordinator's attempts and backoff). While a shard is scored,
 * BullMQ renews the job's lock every `lockDurationMs / 2`; a worker that dies stops renewing it, and
 * after `lockDurationMs` another worker's stalled-job check (every `stalledIntervalMs`) puts the job
 * back on the queue. Embedding caches, if any, stay per worker.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { EncoderLocation } from '../models/storage.js';
import { openModel } from '../models/open-model.js';
import { readModelId } from '../models/model-id.js';
import type { BackendName } from '../engine/backend.js';
import { oneLineMessage } from '../util/errors.js';
import { readyWithin, redisConnection } from './redis-connection.js';
import { DEFAULT_QUEUE_NAME, SHARD_JOB_NAME, ShardJobSchema, type ShardJob, type ShardResult } from './shard-job.js';
import { readShardRows, writeShardOutput } from './shard-files.js';
import { scoreShard } from './score-shard.js';

export interface ShardWorkerOptions {
  /** The Redis server's URL (already checked by parseRedisUrl). */
  queue: URL;
  queueName?: string;
  model: string;
  backend?: BackendName;
  encoder?: EncoderLocation;
  /** Shards scored at once by this process (default 1: scoring uses the one tfjs thread). */
  concurrency?: number;
  /** BullMQ's lock on a job being scored, in ms (default 30,000); a dead worker's shard waits this long. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs, in ms (default 30,000). */
  stalledIntervalMs?: number;
  /** How long to wait for Redis at start before failing (default 10 s). */
  connectTimeoutMs?: number;
  /** One event per shard started, done or failed (the CLI prints them as JSON lines). */
  log?: (event: ShardWorkerEvent) => void;
}

export type ShardWorkerEvent =
  | { event: 'ready'; worker: string; model: string; queue: string }
  | { event: 'started' | 'done'; worker: string; run: string; shard: number; rows: number; attempt: number; ms?: number }
  | { event: 'failed'; worker: string; run?: string; shard?: number; attempt?: number; reason: string };

export interface RunningShardWorker {
  /** `host:pid`. */
  name: string;
  modelId: string;
  /** Stops taking jobs, lets the shard(s) being scored finish, closes the connections, unloads the model. */
  close(): Promise<void>;
}

/** Loads the model and starts taking jobs. Throws PlotlineError when the model or Redis cannot be reached. */
export async function startShardWorker(options: ShardWorkerOptions): Promise<RunningShardWorker> {
  const name = `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => {});
  const backend = options.backend ?? 'wasm';
  const modelId = await readModelId(options.model);
  const { classifier } = await openModel(options.model, { backend, encoder: options.encoder });

  const processor = async (job: Job): Promise<ShardResult> => {
    const parsed = ShardJobSchema.safeParse(job.data);
    if (!parsed.success || job.name !== SHARD_JOB_NAME) {
      const issue = parsed.error?.issues[0];
      throw new UnrecoverableError(`job ${job.id} is not a Plotline shard (${issue === undefined ? `name "${job.name}"` : `field "${issue.path.join('.')}": ${issue.message}`})`);
    }
    const shard: ShardJob = parsed.data;
    if (shard.modelId !== modelId) {
      throw new UnrecoverableError(`worker ${name} has model ${modelId} (${options.model}); the shard was queued for model ${shard.modelId}`);
    }
    const attempt = job.attemptsMade + 1;
    const started = performance.now();
    log({ event: 'started', worker: name, run: shard.run, shard: shard.shard, rows: shard.count, attempt });
    const rows = await readShardRows(shard.rows, shard.count);
    const lines = await scoreShard(classifier, rows, { thresholds: shard.thresholds, topK: shard.topK, scores: shard.scores });
    await writeShardOutput(shard.output, lines);
    log({ event: 'done', worker: name, run: shard.run, shard: shard.shard, rows: rows.length, attempt, ms: Math.round(performance.now() - started) });
    return { rows: rows.length, worker: name };
  };

  const connection = redisConnection(options.queue);
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const worker = new Worker<ShardJob, ShardResult>(queueName, processor, {
    connection,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    autorun: false,
  });
  worker.on('failed', (job, error) => {
    const data = job?.data as Partial<ShardJob> | undefined;
    log({ event: 'failed', worker: name, run: data?.run, shard: data?.shard, attempt: job?.attemptsMade, reason: oneLineMessage(error) });
  });
  // Connection trouble is reported by ioredis, which reconnects; logged rather than crashing the process.
  worker.on('error', (error) => log({ event: 'failed', worker: name, reason: oneLineMessage(error) }));
  try {
    await readyWithin(worker.waitUntilReady(), options.queue, options.connectTimeoutMs ?? 10_000);
  } catch (error) {
    await worker.close(true).catch(() => {});
    connection.disconnect();
    await classifier.dispose();
    throw error;
  }
  void worker.run();
  log({ event: 'ready', worker: name, model: modelId, queue: queueName });
  let closing: Promise<void> | null = null;
  return {
    name,
    modelId,
    close() {
      closing ??= (async () => {
        await worker.close();
        connection.disconnect();
        await classifier.dispose();
      })();
      return closing;
    },
  };
}
