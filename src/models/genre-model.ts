/**
 * What every trained Plotline model is to its users (`predict`, `evaluate`, the server, batch
 * scoring, explanations): texts in, one probability per genre out, and the thresholds that turn
 * probabilities into genres. Models trained from scratch (GenreClassifier) and frozen pretrained
 * encoders with a trained head (EncoderHeadClassifier) both are one, so nothing downstream cares which.
 *
 * Scoring is asynchronous because a pretrained encoder runs in ONNX Runtime or worker threads.
 */
import { applyThresholds } from '../evaluation/thresholds.js';

export interface DecisionThresholds {
  /** One threshold for every genre. */
  global: number;
  /** Per-genre thresholds tuned on validation, in genre order, or null. */
  perGenre: number[] | null;
  /** Which of the two `predict` uses by default. */
  mode: 'global' | 'perGenre';
}

export interface GenrePrediction {
  /** Genres at or above their threshold, best first; never empty (the best genre stands in). */
  genres: string[];
  /** Every genre's probability, in the model's genre order. */
  scores: Record<string, number>;
  /** The k best genres with their probabilities, when asked for. */
  top?: { genre: string; score: number }[];
}

export interface PredictOptions {
  /** A number for every genre, or one per genre (genre order); default: the saved thresholds. */
  thresholds?: number | number[];
  topK?: number;
}

export abstract class GenreModel {
  constructor(
    readonly genres: readonly string[],
    public thresholds: DecisionThresholds,
  ) {}

  /** Probabilities for `texts`: n x genres, row-major, in input order. */
  abstract score(texts: readonly string[]): Promise<Float32Array>;

  abstract dispose(): Promise<void>;

  /** The thresholds `predict` applies when the caller gives none. */
  activeThresholds(): number | number[] {
    return this.thresholds.mode === 'perGenre' && this.thresholds.perGenre !== null ? this.thresholds.perGenre : this.thresholds.global;
  }

  /** Turns scores into predictions; split from `score` so callers can score once and decide many ways. */
  decide(scores: Float32Array, options: PredictOptions = {}): GenrePrediction[] {
    const k = this.genres.length;
    const decided = applyThresholds(scores, k, options.thresholds ?? this.activeThresholds());
    const n = scores.length / k;
    const predictions: GenrePrediction[] = [];
    for (let i = 0; i < n; i++) {
      const row = scores.subarray(i * k, (i + 1) * k);
      const ranked = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
      const genres = ranked.filter((j) => decided[i * k + j] === 1).map((j) => this.genres[j]);
      const prediction: GenrePrediction = {
        genres,
        scores: Object.fromEntries(this.genres.map((g, j) => [g, row[j]])),
      };
      if (options.topK !== undefined) prediction.top = ranked.slice(0, options.topK).map((j) => ({ genre: this.genres[j], score: row[j] }));
      predictions.push(prediction);
    }
    return predictions;
  }

  async predict(texts: readonly string[], options: PredictOptions = {}): Promise<GenrePrediction[]> {
    return this.decide(await this.score(texts), options);
  }
}
