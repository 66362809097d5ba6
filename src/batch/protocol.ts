/** What the scoring pool (main thread) and its worker threads send each other. */
import type { BackendName } from '../engine/backend.js';
import type { EncoderLocation } from '../models/storage.js';
import type { FieldValues } from '../models/genre-model.js';

/** Given to each worker at start: what to load and how to decide. */
export interface ScoringWorkerData {
  model: string;
  backend: BackendName;
  thresholds?: number;
  topK?: number;
  /** For a use/onnx model: where its encoder is, if not where it was trained from. */
  encoder?: EncoderLocation;
}

/** One chunk to score; the worker answers with its JSON Lines as UTF-8 bytes. */
export interface ScoreRequest {
  ids: string[];
  texts: string[];
  /** Each text's catalogue fields, for a model that reads them. */
  fields?: FieldValues[];
}
