/**
 * The JSON Lines `predict --input` writes, one object per row:
 *   {"id": ..., "genres": [...], "scores": {genre: probability, ...}?, "top": [...]?, "removed": [...]?, "family": {...}?}
 * where `scores` holds every genre, the decided genres only, or is left out (`--scores all|decided|none`,
 * score-choice.ts), and `removed` lists genres the genre-set rules took out (other family, over the
 * cap), when any; `family` is `{"value": ..., "given": true|false}`, the family the rules held the row to
 * (given by its own field, or chosen by the unknown-family rule), as the API's answer and `predict --json` give it.
 * Shared by in-process scoring and the worker threads, so the bytes are the same whichever does it.
 *
 * The lines are built as text from the score matrix rather than by JSON.stringify of `predict()`'s
 * objects: the same bytes (tested against that reference), without building a 42-key object and a
 * sorted copy per row, which cost more than scoring a `bag` row.
 */
import type { GenreModel, PredictOptions } from '../models/genre-model.js';
import { applyThresholds } from '../models/thresholds.js';
import { scoreLineBytes } from './score-line-bytes.js';
import type { ScoreChoice } from './score-choice.js';

/** How a chunk is decided and written: `predict()`'s options, and which scores each row holds (`--scores`, default all). */
export interface FormatOptions extends PredictOptions {
  scores?: ScoreChoice;
}

/** The same lines as `formatPredictionBytes`, as one string (the distributed workers' shard files). */
export async function formatPredictionLines(classifier: GenreModel, ids: readonly string[], texts: readonly string[], options: FormatOptions): Promise<string> {
  const bytes = await formatPredictionBytes(classifier, ids, texts, options);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * JSON Lines (UTF-8 bytes) for a chunk of texts, written row by row into one buffer: what
 * `predict --input` writes (in-process or from a worker thread, whose buffer is transferred), without a
 * chunk-sized string to build and then encode. Byte for byte JSON.stringify of `predict()`'s objects
 * (id first) restricted as `options.scores` says (score-choice.ts `restrictScores`).
 */
export async function formatPredictionBytes(classifier: GenreModel, ids: readonly string[], texts: readonly string[], options: FormatOptions): Promise<Uint8Array> {
  const scored = await classifier.scoreWithRules(texts, options.fields, options.thresholds);
  // As `decide` does: thresholds on the ruled scores, a genre the rules zeroed stays off, and what
  // was decided on the raw scores but not after was removed.
  const k = classifier.genres.length;
  const thresholds = options.thresholds ?? classifier.activeThresholds();
  const decided = applyThresholds(scored.scores, k, thresholds);
  if (scored.outcomes === null) return scoreLineBytes(classifier.genres, ids, scored.scores, decided, { topK: options.topK, scores: options.scores });
  const { scores, raw } = scored;
  for (let c = 0; c < scores.length; c++) if (scores[c] === 0 && raw[c] > 0) decided[c] = 0;
  return scoreLineBytes(classifier.genres, ids, scores, decided, { topK: options.topK, scores: options.scores, ruled: { raw, before: applyThresholds(raw, k, thresholds), outcomes: scored.outcomes } });
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
  return scoreLineBytes(genres, ids, scores, decided, { topK });
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
