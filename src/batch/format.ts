/**
 * The JSON Lines `predict --input` writes, one object per row:
 *   {"id": ..., "genres": [...], "scores": {genre: probability, ...}, "top": [...]?, "removed": [...]?}
 * where `removed` lists genres the genre-set rules took out (other family, over the cap), when any.
 * Shared by in-process scoring and the worker threads, so the bytes are the same whichever does it.
 */
import type { GenreModel, PredictOptions } from '../models/genre-model.js';

export async function formatPredictionLines(classifier: GenreModel, ids: readonly string[], texts: readonly string[], options: PredictOptions): Promise<string> {
  const predictions = await classifier.predict(texts, options);
  let lines = '';
  for (let i = 0; i < ids.length; i++) {
    const p = predictions[i];
    lines += JSON.stringify({ id: ids[i], genres: p.genres, scores: p.scores, ...(p.top === undefined ? {} : { top: p.top }), ...(p.removed === undefined ? {} : { removed: p.removed }) }) + '\n';
  }
  return lines;
}
