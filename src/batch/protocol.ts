/** What the scoring pool (main thread) and its worker threads send each other. */
import type { BackendName } from '../engine/backend.js';

/** Given to each worker at start: what to load and how to decide. */
export interface ScoringWorkerData {
  model: string;
  backend: BackendName;
  thresholds?: number;
  topK?: number;
}

/** One chunk to score; the worker answers with its JSON Lines as UTF-8 bytes. */
export interface ScoreRequest {
  ids: string[];
  texts: string[];
}
