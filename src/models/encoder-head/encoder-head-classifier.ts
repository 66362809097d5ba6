/**
 * A frozen pretrained sentence encoder with a trained head: what model kinds `use` and `onnx` are at
 * prediction time. Texts are embedded (through the embedding cache when one is given: training and
 * `compare` reuse vectors across runs), then the head turns each vector into genre probabilities.
 */
import * as tf from '@tensorflow/tfjs';
import { GenreModel, type DecisionThresholds } from '../genre-model.js';
import type { SentenceEncoder } from '../../encoders/sentence-encoder.js';
import { embedWithCache, type EmbeddingCache } from '../../encoders/embedding-cache.js';
import type { Manifest } from '../manifest.js';
import { weightCount } from '../network-files.js';

/** Vectors per head forward pass; the head is small, so big batches cost little memory. */
const HEAD_BATCH = 1024;

export class EncoderHeadClassifier extends GenreModel {
  constructor(
    readonly encoder: SentenceEncoder,
    /** The head: encoder.dimension floats in, one sigmoid per genre out. */
    readonly network: tf.LayersModel,
    genres: readonly string[],
    thresholds: DecisionThresholds,
    private readonly cache: EmbeddingCache | null = null,
  ) {
    super(genres, thresholds);
  }

  async score(texts: readonly string[]): Promise<Float32Array> {
    const { vectors } = await embedWithCache(this.encoder, texts, this.cache);
    return this.scoreEmbeddings(vectors);
  }

  /** Probabilities for already-embedded texts (n x encoder.dimension, row-major). */
  scoreEmbeddings(vectors: Float32Array): Float32Array {
    const d = this.encoder.dimension;
    const k = this.genres.length;
    const n = vectors.length / d;
    const out = new Float32Array(n * k);
    for (let start = 0; start < n; start += HEAD_BATCH) {
      const rows = Math.min(HEAD_BATCH, n - start);
      const scores = tf.tidy(() => {
        const x = tf.tensor2d(vectors.subarray(start * d, (start + rows) * d), [rows, d]);
        return (this.network.predict(x) as tf.Tensor).dataSync() as Float32Array;
      });
      out.set(scores, start * k);
    }
    return out;
  }

  /** The same model without the embedding cache (shares encoder and head: dispose only this one's owner). */
  override withoutCache(): EncoderHeadClassifier {
    return new EncoderHeadClassifier(this.encoder, this.network, this.genres, this.thresholds, null);
  }

  /** The reference to the pretrained encoder (type, id, source, sha256 of its files), not its weights. */
  override manifestEncoder(): Manifest['encoder'] {
    return this.encoder.reference();
  }

  /** The head's weights are trained; the encoder's, frozen. */
  override parameterCounts(): { trained: number; frozen: number } {
    return { trained: weightCount(this.network.trainableWeights), frozen: weightCount(this.network.nonTrainableWeights) + (this.encoder.parameters ?? 0) };
  }

  async dispose(): Promise<void> {
    this.network.dispose();
    await this.encoder.dispose();
  }
}
