/**
 * Which words pushed a genre's score up or down: occlusion. Each word of the text is dropped in turn
 * and the text re-scored; a word's weight is the full text's probability minus the probability without
 * it (positive: the word argued for the genre). All variants go through the model in one `score`
 * call (n+1 rows, batched like any other scoring), for any model kind.
 */
import type { FieldValues, GenreModel } from '../models/genre-model.js';

/** What occlusion needs of a model: its genres and a way to score texts (the server passes its micro-batcher). */
export type Scorer = Pick<GenreModel, 'genres' | 'score'>;

/**
 * A Scorer that scores every variant of one text as answers are scored: with the text's fields, and
 * the model's genre-set rules applied. Used by `plotline explain`, the scoring threads and the server.
 *
 * @param fields the text's catalogue fields, or undefined.
 * @param score the raw scoring to use (default the model's own `score`; the server passes its micro-batcher).
 * @param thresholds the thresholds the genre cap chooses by (`GenreModel.constrain`), default the model's saved ones.
 */
export function ruledScorer(
  model: Pick<GenreModel, 'genres' | 'score' | 'constrain'>,
  fields: FieldValues | undefined,
  score: (texts: readonly string[], fields?: readonly (FieldValues | undefined)[]) => Promise<Float32Array> = (texts, each) => model.score(texts, each),
  thresholds?: number | number[],
): Scorer {
  return {
    genres: model.genres,
    score: async (texts: readonly string[]) => {
      const each = fields === undefined ? undefined : texts.map(() => fields);
      return model.constrain(await score(texts, each), each, thresholds).scores;
    },
  };
}

export interface WordWeight {
  word: string;
  /** UTF-16 offsets of the word in the original text, for highlighting. */
  start: number;
  end: number;
  weight: number;
}

export interface Explanation {
  genre: string;
  /** The genre's probability for the whole text. */
  score: number;
  words: WordWeight[];
}

/** Whitespace-separated words with their offsets; punctuation stays attached, as a reader sees it. */
export function splitWords(text: string): { word: string; start: number; end: number }[] {
  return Array.from(text.matchAll(/\S+/g), (m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
}

/**
 * Explains `genres` (default: the best-scoring genre) for one text. Returns one explanation per genre,
 * sharing the same scoring call.
 */
export async function explain(classifier: Scorer, text: string, genres?: readonly string[]): Promise<Explanation[]> {
  const words = splitWords(text);
  const variants = [text, ...words.map((_, i) => words.filter((_, j) => j !== i).map((w) => w.word).join(' '))];
  const scores = await classifier.score(variants);
  const k = classifier.genres.length;
  const full = scores.subarray(0, k);
  const wanted = genres ?? [classifier.genres[full.indexOf(Math.max(...full))]];
  return wanted.map((genre) => {
    const g = classifier.genres.indexOf(genre);
    if (g < 0) throw new RangeError(`unknown genre "${genre}"`);
    return {
      genre,
      score: full[g],
      words: words.map((w, i) => ({ ...w, weight: full[g] - scores[(i + 1) * k + g] })),
    };
  });
}
