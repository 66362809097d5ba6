/**
 * A trained genre classifier: text encoder + network + genre list + decision thresholds. This is what
 * `predict`, `evaluate` and the server use; it knows nothing about training.
 */
import * as tf from '@tensorflow/tfjs';
import { padSequences } from '../text/batching.js';
import { applyThresholds } from '../evaluation/thresholds.js';
import type { TextEncoder } from './inputs/text-encoder.js';
import type { EncodedScorer } from './inference/linear-bag-scorer.js';

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

/** Rows per forward pass when scoring; larger batches amortise tfjs's per-op overhead. */
const SCORING_BATCH = 256;

export class GenreClassifier {
  /** An exact, faster stand-in for the network's forward pass at prediction time (see `useFastScorer`). */
  private fastScorer: EncodedScorer | null = null;

  constructor(
    readonly network: tf.LayersModel,
    readonly encoder: TextEncoder,
    readonly genres: readonly string[],
    public thresholds: DecisionThresholds,
  ) {}

  /** The thresholds `predict` applies when the caller gives none. */
  activeThresholds(): number | number[] {
    return this.thresholds.mode === 'perGenre' && this.thresholds.perGenre !== null ? this.thresholds.perGenre : this.thresholds.global;
  }

  /**
   * Installs a scorer equal to the network's forward pass but faster (e.g. `linearBagScorer`), for a
   * trained model. It reads the weights once, so it must not be installed before training ends.
   */
  useFastScorer(scorer: EncodedScorer | null): void {
    this.fastScorer = scorer;
  }

  /** Probabilities for already-encoded texts, n x genres row-major, in input order. */
  scoreEncoded(encoded: readonly Int32Array[]): Float32Array {
    return this.fastScorer === null ? this.scoreWithNetwork(encoded) : this.fastScorer(encoded);
  }

  /**
   * The network's forward pass. Texts are scored in batches of similar length (padding never changes a
   * text's score, so grouping is free to reorder).
   */
  scoreWithNetwork(encoded: readonly Int32Array[]): Float32Array {
    const k = this.genres.length;
    const out = new Float32Array(encoded.length * k);
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length || a - b);
    for (let start = 0; start < order.length; start += SCORING_BATCH) {
      const indices = order.slice(start, start + SCORING_BATCH);
      const batch = padSequences(encoded, indices, { minLength: this.encoder.minLength, maxLength: this.encoder.maxLength });
      const scores = tf.tidy(() => {
        const ids = tf.tensor2d(batch.ids, [batch.rows, batch.cols], 'int32');
        return (this.network.predict(ids) as tf.Tensor).dataSync() as Float32Array;
      });
      for (let r = 0; r < indices.length; r++) out.set(scores.subarray(r * k, (r + 1) * k), indices[r] * k);
    }
    return out;
  }

  score(texts: readonly string[]): Float32Array {
    return this.scoreEncoded(texts.map((t) => this.encoder.encode(t)));
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

  predict(texts: readonly string[], options: PredictOptions = {}): GenrePrediction[] {
    return this.decide(this.score(texts), options);
  }

  dispose(): void {
    this.network.dispose();
  }
}
