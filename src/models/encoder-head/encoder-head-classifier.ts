/**
 * A frozen pretrained sentence encoder with a trained head: what model kinds `use` and `onnx` are at
 * prediction time. Texts are embedded (through the embedding cache when one is given: training and
 * `compare` reuse vectors across runs), then the head turns each vector into genre probabilities. The
 * head is a HeadScorer: a tfjs network while training (network-head.ts), its Dense weights in typed
 * arrays when a saved model is opened to score (dense-head.ts); this file imports no tfjs.
 */
import type * as tf from '@tensorflow/tfjs';
import { GenreModel, type DecisionThresholds } from '../genre-model.js';
import type { SentenceEncoder } from '../../encoders/sentence-encoder.js';
import { embedWithCache, type EmbeddingCache } from '../../encoders/embedding-cache.js';
import type { Manifest } from '../manifest.js';
import { PlotlineError } from '../../util/errors.js';
import type { HeadScorer } from './head-scorer.js';

export class EncoderHeadClassifier extends GenreModel {
  constructor(
    readonly encoder: SentenceEncoder,
    /** The head: encoder.dimension floats in, one sigmoid per genre out. */
    readonly head: HeadScorer,
    genres: readonly string[],
    thresholds: DecisionThresholds,
    private readonly cache: EmbeddingCache | null = null,
  ) {
    super(genres, thresholds);
  }

  /**
   * The head's tfjs network (training, saving).
   * @throws PlotlineError for a head opened from a saved folder without tfjs (a DenseHead).
   */
  get network(): tf.LayersModel {
    if (this.head.network === undefined) throw new PlotlineError('this head was read from its saved weights without tfjs: it has no tfjs network');
    return this.head.network;
  }

  async score(texts: readonly string[]): Promise<Float32Array> {
    const { vectors } = await embedWithCache(this.encoder, texts, this.cache);
    return this.scoreEmbeddings(vectors);
  }

  /** Probabilities for already-embedded texts (n x encoder.dimension, row-major): n x genres, row-major. */
  scoreEmbeddings(vectors: Float32Array): Float32Array {
    return this.head.score(vectors);
  }

  /** The same model without the embedding cache (shares encoder and head: dispose only this one's owner). */
  override withoutCache(): EncoderHeadClassifier {
    return new EncoderHeadClassifier(this.encoder, this.head, this.genres, this.thresholds, null);
  }

  /** The reference to the pretrained encoder (type, id, source, sha256 of its files), not its weights. */
  override manifestEncoder(): Manifest['encoder'] {
    return this.encoder.reference();
  }

  /** The head's weights are trained; the encoder's, frozen. */
  override parameterCounts(): { trained: number; frozen: number } {
    const head = this.head.parameterCounts();
    return { trained: head.trained, frozen: head.frozen + (this.encoder.parameters ?? 0) };
  }

  async dispose(): Promise<void> {
    this.head.dispose();
    await this.encoder.dispose();
  }
}
