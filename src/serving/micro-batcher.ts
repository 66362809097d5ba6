/**
 * Micro-batching for the server: texts from requests that arrive close together are scored in ONE
 * forward pass. tfjs pays a fixed cost per op and per call, so twenty one-text requests scored together
 * cost about as much as one; scoring each alone would multiply that overhead under load.
 *
 * A batch is sent to the model when it holds `maxBatch` texts or when its first request has waited
 * `maxWaitMs`, whichever comes first, so no caller waits longer than `maxWaitMs` for company. Requests
 * are never split: one larger than `maxBatch` is scored on its own (the classifier chunks internally).
 * Every caller gets back exactly its own rows, and because padding never changes a score (see
 * GenreClassifier), a text scores the same whichever requests it shares a batch with.
 */

import type { FieldValues } from '../models/genre-model.js';

/** Scores texts: n x width probabilities, row-major, in input order (GenreClassifier.score). */
export type ScoreFunction = (texts: readonly string[], fields?: readonly (FieldValues | undefined)[]) => Promise<Float32Array>;

export interface MicroBatcherOptions {
  /** Texts per forward pass before a batch is sent without waiting further. */
  maxBatch: number;
  /** Longest a request waits for others to share its forward pass. */
  maxWaitMs: number;
}

interface Waiting {
  texts: readonly string[];
  fields?: readonly (FieldValues | undefined)[];
  resolve: (rows: Float32Array) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher {
  /** Forward passes run so far; tests and metrics compare it with the number of requests. */
  forwardPasses = 0;
  /** Requests and texts scored so far. */
  requests = 0;
  texts = 0;

  private queue: Waiting[] = [];
  private queuedTexts = 0;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Forward passes started and not yet finished (an encoder model scores asynchronously). */
  private inFlight = 0;

  constructor(
    private readonly scoreTexts: ScoreFunction,
    /** Scores per text (the number of genres), to cut each caller's rows out of the batch. */
    private readonly width: number,
    private readonly options: MicroBatcherOptions,
  ) {
    if (!Number.isInteger(width) || width <= 0) throw new RangeError(`width must be a positive integer, got ${width}`);
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new RangeError(`maxBatch must be a whole number >= 1, got ${options.maxBatch}`);
    if (!Number.isFinite(options.maxWaitMs) || options.maxWaitMs < 0) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
  }

  /** Texts waiting for a forward pass. */
  get pending(): number {
    return this.queuedTexts;
  }

  /** The scores of `texts` (texts.length x width, row-major), from a forward pass shared with other callers. */
  score(texts: readonly string[], fields?: readonly (FieldValues | undefined)[]): Promise<Float32Array> {
    if (texts.length === 0) return Promise.resolve(new Float32Array(0));
    return new Promise<Float32Array>((resolve, reject) => {
      // Adding this request would overfill the batch: send what is waiting first, keep this for the next.
      if (this.queuedTexts > 0 && this.queuedTexts + texts.length > this.options.maxBatch) this.flush();
      this.queue.push({ texts, fields, resolve, reject });
      this.queuedTexts += texts.length;
      if (this.queuedTexts >= this.options.maxBatch) this.flush();
      else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Resolves once no request is waiting or being scored (for graceful shutdown). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sends everything waiting as one forward pass; it runs while new requests queue for the next. */
  private flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    this.queue = [];
    this.queuedTexts = 0;
    if (batch.length === 0) return;
    this.inFlight++;
    void this.scoreBatch(batch).finally(() => {
      this.inFlight--;
      this.settleIdle();
    });
  }

  /** Scores one batch and hands each caller its rows; a failure fails every caller of the pass. */
  private async scoreBatch(batch: Waiting[]): Promise<void> {
    const texts = batch.flatMap((w) => w.texts);
    // Fields only when some caller gave them; a caller without gets `undefined` for each of its texts.
    const fields = batch.some((w) => w.fields !== undefined) ? batch.flatMap((w) => (w.fields === undefined ? w.texts.map(() => undefined) : [...w.fields])) : undefined;
    this.forwardPasses++;
    this.requests += batch.length;
    this.texts += texts.length;
    let scores: Float32Array;
    try {
      scores = await this.scoreTexts(texts, fields);
      if (scores.length !== texts.length * this.width) {
        throw new Error(`the model returned ${scores.length} scores for ${texts.length} texts x ${this.width} genres`);
      }
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    let offset = 0;
    for (const w of batch) {
      const end = offset + w.texts.length * this.width;
      w.resolve(scores.slice(offset, end)); // a copy: callers own their rows
      offset = end;
    }
  }

  private settleIdle(): void {
    if (this.queue.length > 0 || this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
