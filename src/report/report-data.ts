/**
 * What `plotline compare` measured, as plain data: the input of every report file (report.json is
 * exactly this object). Scores are on the test fold of one split with one seed; curves on validation.
 */

export interface ScoreSet {
  microF1: number;
  macroF1: number;
  samplesF1: number;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  valMicroF1: number;
  valMacroF1: number;
}

export interface ComparedModel {
  /** Row label, unique within a report (e.g. "bag", "use", "bag+use"). */
  name: string;
  /** Model kind (bag, cnn, bilstm, use, onnx, ensemble). */
  kind: string;
  /** What the model reads: the description only, or the description and catalogue fields. */
  track?: 'description' | 'fields';
  /** The catalogue fields it reads (track "fields"). */
  fields?: string[];
  status: 'ok' | 'failed';
  /** Why it failed (status "failed" only): one line a person can act on. */
  error?: string;
  /** The rest is present when status is "ok". */
  test?: {
    atHalf: ScoreSet;
    tuned: ScoreSet;
    /** 95% bootstrap interval of tuned micro-F1. */
    microF1Interval: { low: number; high: number };
    precisionAt1: number;
    lrap: number;
    macroAuc: number | null;
    /** F1 per genre at the tuned thresholds, in `CompareReport.genres` order. */
    perGenreF1: number[];
    /** Micro precision/recall/F1 of one global threshold swept over a grid (test fold). */
    thresholdCurve: { threshold: number; microPrecision: number; microRecall: number; microF1: number }[];
  };
  /**
   * The 2020 write-up's own measure: macro-F1 of the text model's validation scores at threshold 0.5,
   * before genre rules and tuned thresholds (absent for an ensemble).
   */
  validationMacroF1AtHalf?: number;
  /**
   * The genre rules the model's answers obey (models/genre-rules.ts), or null when they were off
   * (`--no-rules`): the family field and whether the model was given it (then each title's value picks
   * the family) or chose the family itself by `unknownFamily` ('total' or 'max'; 'none': no family
   * chosen), and the cap on genres per title (null: none).
   */
  rules?: { familyField: string | null; familyGiven: boolean; unknownFamily: string; maxGenres: number | null } | null;
  /**
   * How its decision thresholds were chosen on validation (evaluation/decision-thresholds.ts): one
   * global threshold, each genre's own, or the global one shifted by `priorShift` of each genre's
   * training log-odds.
   */
  thresholds?: { mode: 'global' | 'perGenre'; global: number; priorShift?: number };
  /** A word model started from pretrained vectors: vocabulary words they had, of how many, and whether frozen. */
  wordVectors?: { found: number; words: number; frozen: boolean };
  /** Validation F1 after every epoch; empty for a model without epochs (an ensemble). */
  history?: EpochPoint[];
  bestEpoch?: number;
  /** Wall time to train, embedding time included when the embeddings were not cached. */
  trainSeconds?: number;
  /** Whether this run reused cached embeddings (encoder kinds only). */
  embeddingsCached?: boolean;
  /** Test-fold texts scored per second, end to end from text (encoding or embedding included). */
  predictionsPerSecond?: number;
  /** Trainable parameters plus frozen ones (an encoder's), as two numbers. */
  parameters?: { trained: number; frozen: number };
  /** Bytes of the saved model folder (encoder weights counted separately in `parameters.frozen`). */
  sizeBytes?: number;
  /** Ensembles: each member's weight in the mean of probabilities (tuned on validation). */
  ensembleWeights?: Record<string, number>;
  /** Where its saved model went, if models were saved. */
  modelDir?: string;
}

export interface CompareReport {
  createdAt: string;
  data: { file: string; sha256: string; split: string | null; trainSize: number; validationSize: number; testSize: number };
  seed: number;
  genres: string[];
  /** Titles per genre in the training fold (train + validation) and the test fold, in `genres` order. */
  genreCounts: { train: number[]; test: number[] };
  models: ComparedModel[];
  versions: { plotline: string; tfjs: string; node: string };
  /** Wall time of the whole comparison. */
  seconds: number;
}
