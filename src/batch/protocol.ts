/** What the scoring pool (main thread) and its worker threads send each other. */
import type { BackendName } from '../engine/backend.js';
import type { EncoderLocation } from '../models/storage.js';
import type { FieldValues } from '../models/genre-model.js';
import type { DecisionThresholds } from '../models/genre-model.js';
import type { GenreRules } from '../models/genre-rules.js';
import type { LinearBag } from '../models/bag/linear-bag-scorer.js';
import type { NgramOptions } from '../text/hashed-ngrams.js';

/**
 * A saved `bag` the main thread has already loaded and verified, handed to the workers as is: its
 * collapsed weights on SharedArrayBuffers (every worker reads the same memory, nothing is copied), so
 * a worker needs neither the model folder nor tfjs (whose import alone costs ~1 s of a core).
 */
export interface SharedLinearBag {
  linear: LinearBag;
  encoder: { options: NgramOptions; maxLength: number };
  genres: string[];
  thresholds: DecisionThresholds;
  rules: GenreRules | null;
}

/** Given to each worker at start: what to load (or the loaded bag) and how to decide. */
export interface ScoringWorkerData {
  model: string;
  backend: BackendName;
  thresholds?: number;
  topK?: number;
  /** For a use/onnx model: where its encoder is, if not where it was trained from. */
  encoder?: EncoderLocation;
  /** For a use/onnx model: the embedding cache folder, or null for none (see LoadModelOptions). */
  embeddingCache?: string | null;
  /** Set for a `bag` without catalogue fields: the model itself, instead of loading `model`. */
  linearBag?: SharedLinearBag;
}

/** One chunk to score; the worker answers with its JSON Lines as UTF-8 bytes. */
export interface ScoreRequest {
  ids: string[];
  texts: string[];
  /** Each text's catalogue fields, for a model that reads them. */
  fields?: FieldValues[];
}
