/**
 * What each output row of `predict` holds besides its id and genres (`--scores`), as fastText offers
 * `predict` beside `predict-prob` and scikit-learn `predict` beside `predict_proba`:
 *   all      every genre's probability, in the model's genre order (the default; what predict always wrote)
 *   decided  only the decided genres' probabilities (those in `genres`), still in the model's genre order
 *   none     no `scores` at all: {"id", "genres"} (with `top` / `removed` when those are asked for or happen)
 * `top` (`--top-k`) is asked for explicitly and keeps its scores whatever the choice.
 *
 * Kept free of heavy imports: the CLI's option parser reads SCORE_CHOICES.
 */
import type { GenrePrediction } from '../models/genre-model.js';

/** The values `--scores` takes (the CLI's choices, the shard job's schema). */
export const SCORE_CHOICES = ['all', 'decided', 'none'] as const;
/** Which genres' scores an output row holds: see the module comment. */
export type ScoreChoice = (typeof SCORE_CHOICES)[number];

/** The default: every genre's score, as predict wrote before the choice existed. */
export const DEFAULT_SCORE_CHOICE: ScoreChoice = 'all';

/**
 * `prediction` as the output row writes it under `choice`: `scores` kept whole (all), cut to the
 * genres in `prediction.genres` keeping the model's genre order (decided), or left out (none); every
 * other key as it was. The reference the byte writer (score-line-bytes.ts) is tested against, and what
 * `predict --json` prints.
 */
export function restrictScores<P extends Pick<GenrePrediction, 'genres' | 'scores'>>(prediction: P, choice: ScoreChoice): Omit<P, 'scores'> & { scores?: Record<string, number> } {
  if (choice === 'all') return prediction;
  const chosen = new Set(prediction.genres);
  // Rebuilt key by key so `scores` keeps its place (JSON.stringify writes keys in insertion order).
  const restricted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(prediction)) {
    if (key !== 'scores') restricted[key] = value;
    else if (choice === 'decided') restricted.scores = Object.fromEntries(Object.entries(prediction.scores).filter(([genre]) => chosen.has(genre)));
  }
  return restricted as Omit<P, 'scores'> & { scores?: Record<string, number> };
}
