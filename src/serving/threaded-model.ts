/**
 * The server's view of a model scored on its scoring threads: the genres and thresholds (from the
 * manifest) that decide, on the HTTP thread, which genres a text gets, and `score` that runs on the
 * threads. No weights are held on the HTTP thread.
 */
import { GenreModel, type DecisionThresholds } from '../models/genre-model.js';
import type { Explanation } from '../explain/occlusion.js';
import type { ScoringThreads } from './scoring-threads.js';

export class ThreadedModel extends GenreModel {
  constructor(
    genres: readonly string[],
    thresholds: DecisionThresholds,
    private readonly threads: ScoringThreads,
  ) {
    super(genres, thresholds);
  }

  /** Probabilities for `texts` (texts x genres, row-major), computed on a scoring thread. */
  score(texts: readonly string[]): Promise<Float32Array> {
    return this.threads.score(texts);
  }

  /** The occlusion explanation of `genre` (null: the best genre) for `text`, computed on a scoring thread. */
  explain(text: string, genre: string | null): Promise<Explanation> {
    return this.threads.explain(text, genre);
  }

  /** Stops the scoring threads. */
  dispose(): Promise<void> {
    return this.threads.close();
  }
}
