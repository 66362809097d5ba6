/**
 * The JSON Lines `predict --input` writes, one object per row:
 *   {"id": ..., "genres": [...], "scores": {genre: probability, ...}, "top": [...]?, "removed": [...]?}
 * where `removed` lists genres the genre-set rules took out (other family, over the cap), when any.
 * Shared by in-process scoring and the worker threads, so the bytes are the same whichever does it.
 *
 * The lines are built as text from the score matrix rather than by JSON.stringify of `predict()`'s
 * objects: the same bytes (tested against that reference), without building a 42-key object and a
 * sorted copy per row, which cost more than scoring a `bag` row.
 */
import type { GenreModel, PredictOptions } from '../models/genre-model.js';
import { applyThresholds } from '../models/thresholds.js';
import { scoreLineBytes } from './score-line-bytes.js';

export async function formatPredictionLines(classifier: GenreModel, ids: readonly string[], texts: readonly string[], options: PredictOptions): Promise<string> {
  return formatPredictions(classifier, ids, texts, options, 'text') as Promise<string>;
}

/**
 * The same lines as `formatPredictionLines`, as UTF-8 bytes written row by row into one buffer: what
 * `predict --input` writes (in-process or from a worker thread, whose buffer is transferred), without a
 * chunk-sized string to build and then encode.
 */
export async function formatPredictionBytes(classifier: GenreModel, ids: readonly string[], texts: readonly string[], options: PredictOptions): Promise<Uint8Array> {
  return formatPredictions(classifier, ids, texts, options, 'bytes') as Promise<Uint8Array>;
}

async function formatPredictions(classifier: GenreModel, ids: readonly string[], texts: readonly string[], options: PredictOptions, as: 'text' | 'bytes'): Promise<string | Uint8Array> {
  const scored = await classifier.scoreWithRules(texts, options.fields, options.thresholds);
  if (as === 'bytes') {
    // As `decide` does: thresholds on the ruled scores, a genre the rules zeroed stays off, and what
    // was decided on the raw scores but not after was removed.
    const k = classifier.genres.length;
    const thresholds = options.thresholds ?? classifier.activeThresholds();
    const decided = applyThresholds(scored.scores, k, thresholds);
    if (scored.outcomes === null) return scoreLineBytes(classifier.genres, ids, scored.scores, decided, options.topK);
    const { scores, raw } = scored;
    for (let c = 0; c < scores.length; c++) if (scores[c] === 0 && raw[c] > 0) decided[c] = 0;
    return scoreLineBytes(classifier.genres, ids, scores, decided, options.topK, { raw, before: applyThresholds(raw, k, thresholds) });
  }
  if (scored.outcomes === null) {
    // No genre-set rules: the fast path (nothing is ever removed).
    const decided = applyThresholds(scored.scores, classifier.genres.length, options.thresholds ?? classifier.activeThresholds());
    return as === 'text' ? formatScores(classifier.genres, ids, scored.scores, decided, options.topK) : formatScoresBytes(classifier.genres, ids, scored.scores, decided, options.topK);
  }
  const predictions = classifier.decide(scored, options);
  let lines = '';
  for (let i = 0; i < ids.length; i++) {
    const p = predictions[i];
    lines += JSON.stringify({ id: ids[i], genres: p.genres, scores: p.scores, ...(p.top === undefined ? {} : { top: p.top }), ...(p.removed === undefined ? {} : { removed: p.removed }) }) + '\n';
  }
  return as === 'text' ? lines : Buffer.from(lines, 'utf8');
}

/**
 * JSON Lines for `ids.length` rows of `scores` (n x genres) and their 0/1 `decided` genres: genres in
 * descending score (ties: genre order), every genre's score in genre order, the `topK` best if given.
 * Numbers are written as JSON.stringify writes them.
 */
export function formatScores(genres: readonly string[], ids: readonly string[], scores: Float32Array, decided: Uint8Array, topK?: number): string {
  let lines = '';
  eachScoreLine(genres, ids, scores, decided, topK, (line) => {
    lines += line;
  });
  return lines;
}

/** `formatScores`'s lines as UTF-8 bytes, each line written into one growing buffer as it is made. */
export function formatScoresBytes(genres: readonly string[], ids: readonly string[], scores: Float32Array, decided: Uint8Array, topK?: number): Uint8Array {
  return scoreLineBytes(genres, ids, scores, decided, topK);
}

function eachScoreLine(genres: readonly string[], ids: readonly string[], scores: Float32Array, decided: Uint8Array, topK: number | undefined, emit: (line: string) => void): void {
  const k = genres.length;
  const names = genres.map((g) => JSON.stringify(g));
  const keys = names.map((n) => `${n}:`);
  const order = new Int32Array(k);
  const row: number[] = new Array<number>(k).fill(0.5);
  for (let i = 0; i < ids.length; i++) {
    const base = i * k;
    // The row's numbers as text in one JSON.stringify call: the same digits as String() of each (both
    // are Number::toString; JSON.stringify of predict()'s objects writes them so too), ~2x faster than
    // one String() per number, which was most of the time spent writing.
    for (let j = 0; j < k; j++) row[j] = scores[base + j];
    const numbers = JSON.stringify(row).slice(1, -1).split(',');
    for (let j = 0; j < k; j++) order[j] = j;
    // Insertion sort of 42 indices by descending score, stable: cheaper than Array.sort here.
    for (let a = 1; a < k; a++) {
      const j = order[a];
      const s = scores[base + j];
      let b = a - 1;
      while (b >= 0 && scores[base + order[b]] < s) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = j;
    }
    let line = `{"id":${JSON.stringify(ids[i])},"genres":[`;
    let first = true;
    for (let a = 0; a < k; a++) {
      const j = order[a];
      if (decided[base + j] !== 1) continue;
      line += first ? names[j] : `,${names[j]}`;
      first = false;
    }
    line += '],"scores":{';
    for (let j = 0; j < k; j++) line += (j === 0 ? '' : ',') + keys[j] + numbers[j];
    line += '}';
    if (topK !== undefined) {
      line += ',"top":[';
      for (let a = 0; a < Math.min(topK, k); a++) {
        const j = order[a];
        line += `${a === 0 ? '' : ','}{"genre":${names[j]},"score":${numbers[j]}}`;
      }
      line += ']';
    }
    emit(line + '}\n');
  }
}
