/** Messages between the scoring pool (main thread) and its worker threads. */
import type { BackendName } from '../engine/backend.js';
import { PlotlineError } from '../util/errors.js';

/** Given to each worker at start: what to load and how to decide. */
export interface ScoringWorkerData {
  model: string;
  backend: BackendName;
  thresholds?: number;
  topK?: number;
}

/** main -> worker */
export interface ScoreRequest {
  type: 'score';
  task: number;
  ids: string[];
  texts: string[];
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/** worker -> main */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; error: SerializedError }
  | { type: 'scored'; task: number; lines: Uint8Array }
  | { type: 'error'; task: number; error: SerializedError };

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
