/** What the scoring pool (main thread) and its worker threads send each other. */
import type { BackendName } from '../engine/backend.js';
import type { EncoderLocation } from '../models/storage.js';
import type { FieldValues } from '../models/genre-model.js';
import type { DecisionThresholds } from '../models/genre-model.js';
import type { GenreRules } from '../models/genre-rules.js';
import type { LinearBag } from '../models/bag/linear-bag-scorer.js';
import type { NgramOptions } from '../text/hashed-ngrams.js';
import type { RowProblem } from '../data/csv.js';
import type { ColumnMapping, ColumnOptions } from '../data/columns.js';
import type { ScoreChoice } from './score-choice.js';

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
  /** `--scores`: which genres' scores each row holds (default all). */
  scores?: ScoreChoice;
  /** For a use/onnx model: where its encoder is, if not where it was trained from. */
  encoder?: EncoderLocation;
  /** For a use/onnx model: the embedding cache folder, or null for none (see LoadModelOptions). */
  embeddingCache?: string | null;
  /** Set for a `bag` without catalogue fields: the model itself, instead of loading `model`. */
  linearBag?: SharedLinearBag;
  /**
   * The bag comes with the requests instead (their `linearBag`): the pool was started while the main
   * thread was still loading it, so that the threads start up meanwhile. A request without one has the
   * worker load `model` itself.
   */
  bagInRequests?: boolean;
}

/** One chunk to score; the worker answers with its JSON Lines as UTF-8 bytes. */
export interface ScoreRequest {
  ids: string[];
  texts: string[];
  /** Each text's catalogue fields, for a model that reads them. */
  fields?: FieldValues[];
  /** The bag to score with, when the worker data says `bagInRequests` (shared memory: nothing copied). */
  linearBag?: SharedLinearBag;
}

/** How a slice's rows are read: what `readPredictionInput` is given for the whole file. */
export interface SliceReading {
  /** The input file, as named in errors. */
  file: string;
  columns?: ColumnOptions;
  saved?: ColumnMapping;
  fields: string[];
}

/**
 * One slice of a CSV input to read, score and write (../data/csv-slices.ts): the file's header
 * followed by the slice's bytes, decoded and parsed on the worker.
 */
export interface SliceRequest {
  slice: {
    header: string;
    bytes: Uint8Array;
    /** See CsvTextSlice: the slice's lines in the file minus their lines behind the header. */
    lineShift: number;
    rowShift: number;
    /** The slice's first line counted as `decodedText` counts (LF bytes), for errors about bad bytes. */
    firstLfLine: number;
  };
  reading: SliceReading;
  /** As ScoreRequest's. */
  linearBag?: SharedLinearBag;
}

/** A PlotlineError as data (structured cloning keeps only an Error's message). */
export interface SentProblem {
  message: string;
  file?: string;
  line?: number;
  field?: string;
}

/** A slice read and scored: its rows' JSON Lines, their ids and lines, and what was wrong. */
export interface SliceResult {
  /** JSON Lines (UTF-8) of the slice's good rows, in order. */
  bytes: Uint8Array;
  ids: string[];
  /** Each good row's line. */
  lines: Int32Array;
  /** The good rows with a blank id (PredictionInputRow.blankId): their lines, and the id column; absent when none. */
  blankIds?: { lines: number[]; column: string };
  /** Bad rows, in order (each one skipped or fatal, as the main thread decides). */
  problems: RowProblem[];
  /** Records read (good and bad rows). */
  records: number;
  /** Line of the last record read, or 0. */
  lastLine: number;
  /** What stopped the slice's reading (malformed CSV, bytes that are not UTF-8, a missing column), after `problems`. */
  error?: SentProblem;
}
