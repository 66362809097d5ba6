/**
 * What `predict --queue` puts on the BullMQ queue: one job per shard (a range of input rows), naming
 * the model it must be scored with, where its rows are and where its result goes (paths every worker
 * sees: shared storage), and how to decide genres. Validated by the worker (zod): a job from another
 * program or another Plotline version fails with a message instead of being misread.
 */
import { z } from 'zod';
import { SCORE_CHOICES } from '../batch/score-choice.js';

/** Default queue name (`--queue-name`): coordinators and workers of one pipeline must agree on it. */
export const DEFAULT_QUEUE_NAME = 'plotline-scoring';
/** The BullMQ job name of a shard. */
export const SHARD_JOB_NAME = 'score-shard';

export const ShardJobSchema = z.object({
  /** The `predict --queue` run this shard belongs to (part of the job id). */
  run: z.string().min(1),
  /** 0-based shard number: its place in the output. */
  shard: z.number().int().min(0),
  /** `readModelId` of the model the coordinator was given; a worker with another model refuses the job. */
  modelId: z.string().min(1),
  /** The shard's rows: JSON Lines of {id, text, line, ...}, written by the coordinator. */
  rows: z.string().min(1),
  /** Where the worker writes the shard's JSON Lines (atomically: temporary file, then rename). */
  output: z.string().min(1),
  /** Rows in the shard, and the input lines of its first and last row (for messages). */
  count: z.number().int().min(1),
  firstLine: z.number().int().min(1),
  lastLine: z.number().int().min(1),
  /** `--threshold`: one threshold for every genre instead of the saved ones. */
  thresholds: z.number().min(0).max(1).optional(),
  /** `--top-k`. */
  topK: z.number().int().min(1).optional(),
  /** `--scores`: which genres' scores each row holds (absent: all). */
  scores: z.enum(SCORE_CHOICES).optional(),
});
export type ShardJob = z.infer<typeof ShardJobSchema>;

/** What a worker returns for a finished shard (the job's return value). */
export interface ShardResult {
  rows: number;
  /** The worker's name (`host:pid`), for logs and the end-to-end test's accounting. */
  worker: string;
}

/** BullMQ job ids may not contain ":"; run ids are made of [0-9a-z-]. */
export function shardJobId(run: string, shard: number): string {
  return `${run}-${shard}`;
}
