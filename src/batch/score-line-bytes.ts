/**
 * The JSON Lines of `predict --input` written straight into bytes: per row
 *   {"id":...,"genres":[...],"scores":{genre:score,...}?,"top":[...]?,"removed":[...]?,"family":{"value":...,"given":...}?}
 * byte for byte what JSON.stringify of `GenreModel.decide()`'s objects writes, restricted as
 * `--scores` says (score-choice.ts: every genre's score, the decided genres' only, or none; format.ts,
 * tested against it), with the genre-set rules' ranking, `removed` list and `family` (the family the
 * rules held the title to, as the API's answer gives it) when the rules ran.
 *
 * With every score, a row's 42 numbers are made by one JSON.stringify of the row (Number::toString
 * digits, as JSON.stringify of the objects writes them), copied into the output as bytes between the
 * genres' pre-encoded keys: no per-number string, no per-row string to encode. With the decided
 * genres' scores only (one to three a row) or none, only the numbers written are formatted, one by one.
 */
import type { RuleOutcome } from '../models/genre-rules.js';
import { DEFAULT_SCORE_CHOICE, type ScoreChoice } from './score-choice.js';

/** What the genre-set rules did to a chunk (see `GenreModel.decide`); absent when none ran. */
export interface RuledScores {
  /** Scores before the rules (n x genres): ties in the ruled scores are ranked by these. */
  raw: Float32Array;
  /** The genres decided on the raw scores: those decided there and not after were removed. */
  before: Uint8Array;
  /**
   * What the rules decided per row (n entries, genre-rules.ts): each row whose `family` is not null
   * gets `"family":{"value":...,"given":...}` after `removed`, as `GenreModel.decide` and the API write it.
   */
  outcomes?: readonly RuleOutcome[];
}

/** How `scoreLineBytes` writes a chunk's rows. */
export interface ScoreLineOptions {
  /** Also list the k best genres with their scores (`--top-k`), whatever `scores` says. */
  topK?: number;
  /** Set when the genre-set rules ran: ranks ties and lists what they removed. */
  ruled?: RuledScores;
  /** Which genres' scores each row holds (`--scores`; default all). */
  scores?: ScoreChoice;
}

const encoder = new TextEncoder();

/**
 * JSON Lines (UTF-8) for `ids.length` rows of `scores` (n x genres) and their 0/1 `decided` genres:
 * genres in descending score (ties: raw score when `ruled`, then genre order), the scores `options.scores`
 * chooses in genre order (every genre's, the decided genres', or no `scores` key), the `topK` best if
 * given, and with `ruled` the genres the rules removed (when any) and the family they held the row to
 * (when `ruled.outcomes` names one).
 */
export function scoreLineBytes(genres: readonly string[], ids: readonly string[], scores: Float32Array, decided: Uint8Array, options: ScoreLineOptions = {}): Uint8Array {
  const { topK, ruled } = options;
  const choice = options.scores ?? DEFAULT_SCORE_CHOICE;
  const all = choice === 'all';
  const k = genres.length;
  const names = genres.map((g) => encoder.encode(JSON.stringify(g)));
  const keys = genres.map((g) => encoder.encode(`${JSON.stringify(g)}:`));
  const fixed = (text: string): Uint8Array => encoder.encode(text);
  const ID = fixed('{"id":');
  const GENRES = fixed(',"genres":[');
  const SCORES = fixed('],"scores":{');
  const TOP = fixed(',"top":[');
  const GENRE = fixed('{"genre":');
  const SCORE = fixed(',"score":');
  const REMOVED = fixed(',"removed":[');
  // Each family value's bytes, made once: a chunk has a few families, given or chosen.
  const familyBytes = new Map<string, Uint8Array>();
  const familyOf = (outcome: RuleOutcome | undefined): Uint8Array | null => {
    if (outcome === undefined || outcome.family === null) return null;
    const key = `${outcome.familyGiven ? 1 : 0}${outcome.family}`;
    let bytes = familyBytes.get(key);
    if (bytes === undefined) {
      bytes = fixed(`,"family":${JSON.stringify({ value: outcome.family, given: outcome.familyGiven })}`);
      familyBytes.set(key, bytes);
    }
    return bytes;
  };
  const namesBytes = names.reduce((n, b) => n + b.length + 1, 0);
  const top = topK === undefined ? 0 : Math.min(topK, k);
  // Bytes of a row besides its id and numbers, at most: keys, names in genres / top / removed, punctuation.
  const rowFixed = 64 + 2 * namesBytes + keys.reduce((n, b) => n + b.length + 1, 0) + top * (GENRE.length + SCORE.length + 3);
  const order = new Int32Array(k);
  const topOrder = new Int32Array(k);
  const taken = new Uint8Array(k);
  const row: number[] = new Array<number>(k).fill(0.5);
  const starts = new Int32Array(k);
  const ends = new Int32Array(k);
  let digits = Buffer.allocUnsafe(64 * k);
  // Without every score a row is mostly its id and genres: start small, grow when needed.
  let out = new Uint8Array(Math.max(1024, ids.length * (all ? rowFixed + 24 * k + 32 : 160)));
  let at = 0;
  const raw = ruled?.raw;
  for (let i = 0; i < ids.length; i++) {
    const base = i * k;
    const id = JSON.stringify(ids[i]);
    // At most 2k numbers (decided scores and top), each at most 24 characters (JSON.stringify of a
    // double), and each UTF-16 unit of the id at most 3 bytes.
    const family = familyOf(ruled?.outcomes?.[i]);
    const familyLength = family === null ? 0 : family.length;
    let need = rowFixed + familyLength + 3 * id.length + 2 * 24 * k;
    if (all) {
      for (let j = 0; j < k; j++) row[j] = scores[base + j];
      const numbers = JSON.stringify(row);
      need = rowFixed + familyLength + 3 * id.length + 2 * numbers.length;
      // The numbers' characters are ASCII: written as bytes by one native call, then found between the
      // commas with native searches (faster than a charCodeAt loop over the ~800 characters).
      if (numbers.length > digits.length) digits = Buffer.allocUnsafe(2 * numbers.length);
      digits.write(numbers, 0, numbers.length, 'latin1');
      let from = 1;
      for (let j = 0; j < k; j++) {
        const end = j + 1 < k ? digits.indexOf(44, from) : numbers.length - 1;
        starts[j] = from;
        ends[j] = end;
        from = end + 1;
      }
    }
    if (at + need > out.length) {
      const grown = new Uint8Array(2 * out.length + need);
      grown.set(out.subarray(0, at));
      out = grown;
    }
    // The ranking is needed only for the decided genres (a few) and the top k: the genres decided,
    // insertion-sorted (stable, so ties stay in genre order), and the top k by selection.
    let m = 0;
    for (let g = 0; g < k; g++) if (decided[base + g] === 1) order[m++] = g;
    for (let a = 1; a < m; a++) {
      const g = order[a];
      let b = a - 1;
      while (b >= 0 && ranksBefore(scores, raw, base, g, order[b])) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = g;
    }
    if (top > 0) {
      taken.fill(0);
      for (let a = 0; a < top; a++) {
        let best = -1;
        for (let g = 0; g < k; g++) if (taken[g] === 0 && (best < 0 || ranksBefore(scores, raw, base, g, best))) best = g;
        taken[best] = 1;
        topOrder[a] = best;
      }
    }
    at = put(out, at, ID);
    at += encoder.encodeInto(id, out.subarray(at)).written;
    at = put(out, at, GENRES);
    let first = true;
    for (let a = 0; a < m; a++) {
      const g = order[a];
      if (!first) out[at++] = 44;
      at = put(out, at, names[g]);
      first = false;
    }
    if (all) {
      at = put(out, at, SCORES);
      for (let g = 0; g < k; g++) {
        if (g > 0) out[at++] = 44;
        at = put(out, at, keys[g]);
        at = putRange(out, at, digits, starts[g], ends[g]);
      }
      out[at++] = 125; // }
    } else if (choice === 'decided') {
      // The decided genres' scores, in genre order (as the object restricted to them keeps its keys).
      at = put(out, at, SCORES);
      let firstScore = true;
      for (let g = 0; g < k; g++) {
        if (decided[base + g] !== 1) continue;
        if (!firstScore) out[at++] = 44;
        at = put(out, at, keys[g]);
        at = putAscii(out, at, numberText(scores[base + g]));
        firstScore = false;
      }
      out[at++] = 125; // }
    } else {
      out[at++] = 93; // ] closing genres: no scores
    }
    if (topK !== undefined) {
      at = put(out, at, TOP);
      for (let a = 0; a < top; a++) {
        const g = topOrder[a];
        if (a > 0) out[at++] = 44;
        at = put(out, at, GENRE);
        at = put(out, at, names[g]);
        at = put(out, at, SCORE);
        at = all ? putRange(out, at, digits, starts[g], ends[g]) : putAscii(out, at, numberText(scores[base + g]));
        out[at++] = 125;
      }
      out[at++] = 93; // ]
    }
    if (ruled !== undefined) {
      let any = false;
      for (let g = 0; g < k; g++) {
        if (ruled.before[base + g] !== 1 || decided[base + g] !== 0) continue;
        if (!any) at = put(out, at, REMOVED);
        else out[at++] = 44;
        at = put(out, at, names[g]);
        any = true;
      }
      if (any) out[at++] = 93;
      if (family !== null) at = put(out, at, family);
    }
    out[at++] = 125;
    out[at++] = 10;
  }
  return out.subarray(0, at);
}

/** Copies `bytes` into `out` at `at`; returns the offset after them. */
function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let b = 0; b < bytes.length; b++) out[at + b] = bytes[b];
  return at + bytes.length;
}

/** Copies `from[start, end)` into `out` at `at`; returns the offset after it. */
function putRange(out: Uint8Array, at: number, from: Uint8Array, start: number, end: number): number {
  for (let b = start; b < end; b++) out[at++] = from[b];
  return at;
}

/** Copies the ASCII characters of `text` into `out` at `at`; returns the offset after them. */
function putAscii(out: Uint8Array, at: number, text: string): number {
  for (let c = 0; c < text.length; c++) out[at++] = text.charCodeAt(c);
  return at;
}

/** A number as JSON.stringify writes it (Number::toString; NaN and infinities as null). */
function numberText(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

/** Whether genre `g` ranks before genre `h` in a row: higher score, then (with `raw`) higher raw score, then lower index. */
function ranksBefore(scores: Float32Array, raw: Float32Array | undefined, base: number, g: number, h: number): boolean {
  const sg = scores[base + g];
  const sh = scores[base + h];
  if (sg !== sh) return sg > sh;
  if (raw !== undefined && raw[base + g] !== raw[base + h]) return raw[base + g] > raw[base + h];
  return g < h;
}
