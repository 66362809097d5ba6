/**
 * Scores raw texts with a collapsed `bag` (linear-bag-scorer.ts) through a per-word cache: the fast
 * path of `predict`, `predict --input` and the API for a saved `bag`.
 *
 * A text's features are, per token, its word id and its character n-grams (which depend on the token
 * alone), plus one word bigram per pair of adjacent tokens (hashed-ngrams.ts). The collapsed form makes
 * every feature's contribution a fixed row of genre weights (idf folded in), and the text's norm a sum
 * over features too (of idf^2 for L2, of idf for sum). So a word's contribution, the sum of its own
 * rows, and its share of the norm are fixed: computed the first time the word is seen, then one lookup.
 * A description of ~25 words then costs ~25 cached word rows and ~25 bigram rows instead of ~470 feature
 * rows, and the char n-grams are hashed once per distinct word instead of once per occurrence.
 *
 * Same scores as `linearScorer` over `NgramVectorizer.encode` up to float rounding (sums are regrouped
 * by word, in float64; tested to 1e-6). A text too long for the encoder's `maxLength` (which cuts it
 * by words first) goes through that reference path, as does an encoder with word n-grams longer than 2.
 */
import { tokenize } from '../../text/tokenizer.js';
import { tokenFeatures, wordPairIdAfter, wordPairPrefix } from '../../text/hashed-ngrams.js';
import type { NgramVectorizer } from '../vectorizers/ngram-vectorizer.js';
import { linearScorer, type LinearBag } from './linear-bag-scorer.js';

/** Scores texts: n x genres probabilities, row-major, in input order. */
export type TextScorer = (texts: readonly string[]) => Float32Array;

/** Distinct words kept by default (~22 MB of float64 rows at 42 genres); the cache starts over when full. */
export const DEFAULT_WORD_CACHE = 1 << 16;

/**
 * A text scorer for `linear` whose texts are featurised by `encoder`. `capacity` bounds the cache in
 * distinct words (when it fills up it is emptied and refilled, so memory stays bounded on any input).
 * An encoder that hashes into more buckets than `linear` has rows gets the reference path, whose
 * scoring throws a RangeError naming the id (storage.ts refuses such a folder on load first).
 */
export function wordCacheScorer(linear: LinearBag, encoder: NgramVectorizer, capacity = DEFAULT_WORD_CACHE): TextScorer {
  const { collapsed, idf, bias } = linear;
  const k = bias.length;
  const options = encoder.options;
  const reference = linearScorer(linear);
  if (options.wordNgrams > 2 || options.buckets + 1 > idf.length) return (texts) => reference(texts.map((t) => encoder.encode(t)));
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`word cache capacity must be a whole number >= 1, got ${capacity}`);
  const l2 = linear.normalisation === 'l2';
  const bigrams = options.wordNgrams === 2;
  // word -> slot: open addressing (linear probing) on an FNV-1a hash of the word, at most half full.
  // About 2x faster than a Map of strings here: a token is a fresh string each time, whose hash a Map
  // computes anyway, and the probe compares the few candidates with ===.
  const tableSize = 2 ** Math.ceil(Math.log2(2 * capacity));
  const mask = tableSize - 1;
  const keys: (string | undefined)[] = new Array<string | undefined>(tableSize).fill(undefined);
  const slotAt = new Int32Array(tableSize).fill(-1);
  let size = 0;
  const probe = (word: string): number => {
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
    let at = (h >>> 0) & mask;
    while (slotAt[at] !== -1 && keys[at] !== word) at = (at + 1) & mask;
    return at;
  };
  const rows = new Float64Array(capacity * k);
  const norms = new Float64Array(capacity);
  const counts = new Int32Array(capacity);
  // Each word's hash state as the first word of a bigram (wordPairPrefix): a bigram then hashes only its second word.
  const prefixes = new Float64Array(capacity);
  // The current text's tokens' prefixes, copied as each is looked up (the cache may start over mid-text).
  let textPrefixes = new Float64Array(256);
  const sum = new Float64Array(k);

  /** The cache slot of `word`, computing its row, norm share and feature count on first sight. */
  const slotOf = (word: string): number => {
    let cell = probe(word);
    if (slotAt[cell] !== -1) return slotAt[cell];
    if (size === capacity) {
      keys.fill(undefined);
      slotAt.fill(-1);
      size = 0;
      cell = probe(word);
    }
    const slot = size++;
    keys[cell] = word;
    slotAt[cell] = slot;
    const ids = tokenFeatures(word, options);
    const at = slot * k;
    rows.fill(0, at, at + k);
    let norm = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const w = idf[id];
      if (w === 0) continue;
      norm += l2 ? w * w : w;
      const r = id * k;
      for (let g = 0; g < k; g++) rows[at + g] += collapsed[r + g];
    }
    norms[slot] = norm;
    counts[slot] = ids.length;
    prefixes[slot] = wordPairPrefix(word);
    return slot;
  };

  return (texts) => {
    const out = new Float32Array(texts.length * k);
    const tooLong: number[] = [];
    for (let t = 0; t < texts.length; t++) {
      const tokens = tokenize(texts[t]);
      sum.fill(0);
      let norm = 0;
      let features = bigrams && tokens.length > 1 ? tokens.length - 1 : 0;
      if (tokens.length > textPrefixes.length) textPrefixes = new Float64Array(2 * tokens.length);
      for (let i = 0; i < tokens.length; i++) {
        const slot = slotOf(tokens[i]);
        textPrefixes[i] = prefixes[slot];
        norm += norms[slot];
        features += counts[slot];
        const at = slot * k;
        for (let g = 0; g < k; g++) sum[g] += rows[at + g];
      }
      if (features > encoder.maxLength) {
        tooLong.push(t);
        continue;
      }
      if (bigrams) {
        for (let i = 0; i + 1 < tokens.length; i++) {
          const id = wordPairIdAfter(textPrefixes[i], tokens[i + 1], options.buckets);
          const w = idf[id];
          if (w === 0) continue;
          norm += l2 ? w * w : w;
          const r = id * k;
          for (let g = 0; g < k; g++) sum[g] += collapsed[r + g];
        }
      }
      const scale = 1 / Math.max(l2 ? Math.sqrt(norm) : norm, 1e-6);
      const base = t * k;
      for (let g = 0; g < k; g++) out[base + g] = 1 / (1 + Math.exp(-(sum[g] * scale + bias[g])));
    }
    if (tooLong.length > 0) {
      const scored = reference(tooLong.map((t) => encoder.encode(texts[t])));
      tooLong.forEach((t, i) => out.set(scored.subarray(i * k, (i + 1) * k), t * k));
    }
    return out;
  };
}
