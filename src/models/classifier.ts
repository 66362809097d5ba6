/**
 * A genre classifier trained from scratch: text vectorizer + network + genre list + decision thresholds.
 * It knows nothing about training. Scoring already-encoded texts is synchronous (the training loop
 * and the fast scorers use that); `score` from text is the GenreModel face everyone else uses.
 */
import * as tf from '@tensorflow/tfjs';
export type { DecisionThresholds, GenrePrediction, PredictOptions } from './genre-model.js';
import { padSequences } from '../text/batching.js';
import { GenreModel, type DecisionThresholds } from './genre-model.js';
import type { Vectorizer } from './vectorizers/vectorizer.js';
import type { EncodedScorer } from './bag/linear-bag-scorer.js';
import type { Manifest } from './manifest.js';
import { weightCount } from './network-files.js';

/** Rows per forward pass when scoring; larger batches amortise tfjs's per-op overhead. */
const SCORING_BATCH = 256;

export class GenreClassifier extends GenreModel {
  /** An exact, faster stand-in for the network's forward pass at prediction time (see `useFastScorer`). */
  private fastScorer: EncodedScorer | null = null;

  constructor(
    readonly network: tf.LayersModel,
    readonly vectorizer: Vectorizer,
    genres: readonly string[],
    thresholds: DecisionThresholds,
  ) {
    super(genres, thresholds);
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
      const batch = padSequences(encoded, indices, { minLength: this.vectorizer.minLength, maxLength: this.vectorizer.maxLength });
      const scores = tf.tidy(() => {
        const ids = tf.tensor2d(batch.ids, [batch.rows, batch.cols], 'int32');
        return (this.network.predict(ids) as tf.Tensor).dataSync() as Float32Array;
      });
      for (let r = 0; r < indices.length; r++) out.set(scores.subarray(r * k, (r + 1) * k), indices[r] * k);
    }
    return out;
  }

  async score(texts: readonly string[]): Promise<Float32Array> {
    return this.scoreEncoded(texts.map((t) => this.vectorizer.encode(t)));
  }

  override manifestEncoder(): Manifest['encoder'] {
    return this.vectorizer.toJSON();
  }

  override parameterCounts(): { trained: number; frozen: number } {
    return { trained: weightCount(this.network.trainableWeights), frozen: weightCount(this.network.nonTrainableWeights) };
  }

  async dispose(): Promise<void> {
    this.network.dispose();
  }
}
