/**
 * A `bag` model loaded from its folder: the text vectorizer plus the collapsed linear form, no network
 * and no tensors. It scores exactly as the trained classifier's fast scorer did (float32 folder) or
 * with its int8 weights (quantised folder). Texts are scored through a per-word cache
 * (word-cache-scorer.ts): the same scores up to float rounding, several times faster.
 */
import { GenreModel, type DecisionThresholds } from '../genre-model.js';
import type { Vectorizer } from '../vectorizers/vectorizer.js';
import { NgramVectorizer } from '../vectorizers/ngram-vectorizer.js';
import { linearScorer, type EncodedScorer, type LinearBag } from './linear-bag-scorer.js';
import { wordCacheScorer, type TextScorer } from './word-cache-scorer.js';
import type { Manifest } from '../manifest.js';

export class LinearBagModel extends GenreModel {
  private readonly scorer: EncodedScorer;
  private readonly textScorer: TextScorer;

  constructor(
    readonly vectorizer: Vectorizer,
    readonly linear: LinearBag,
    genres: readonly string[],
    thresholds: DecisionThresholds,
  ) {
    super(genres, thresholds);
    if (linear.bias.length !== genres.length) throw new RangeError(`the linear bag scores ${linear.bias.length} genres, not ${genres.length}`);
    this.scorer = linearScorer(linear);
    this.textScorer = vectorizer instanceof NgramVectorizer ? wordCacheScorer(linear, vectorizer) : (texts) => this.scorer(texts.map((t) => vectorizer.encode(t)));
  }

  /** Probabilities for already-encoded texts, n x genres row-major, in input order. */
  scoreEncoded(encoded: readonly Int32Array[]): Float32Array {
    return this.scorer(encoded);
  }

  override manifestEncoder(): Manifest['encoder'] {
    return this.vectorizer.toJSON();
  }

  async score(texts: readonly string[]): Promise<Float32Array> {
    return this.textScorer(texts);
  }

  async dispose(): Promise<void> {}
}
