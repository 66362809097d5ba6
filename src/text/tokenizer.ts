/**
 * Word tokenizer shared by every model, so a description is split the same way at training and
 * prediction time. Vocabulary files and hashed features depend on its exact output: changing a rule
 * here invalidates saved models.
 *
 * Rules:
 * - NFKC first, so full-width letters, ligatures ("ﬁ") and compatibility digits fold to their plain
 *   forms, then lower-case.
 * - A word starts with a letter or digit and continues with letters, combining marks and digits
 *   (`\p{L}\p{M}\p{N}`), so accented words survive whether precomposed or decomposed ("café").
 *   It must not *start* with a mark: emoji variation selectors (U+FE0F) are marks and would otherwise
 *   become tokens of their own.
 * - An apostrophe or hyphen is kept only between two word characters ("don't", "coming-of-age",
 *   "covid-19"); anywhere else it is punctuation. Curly and modifier apostrophes (’ ‘ ʼ) become ' and
 *   Unicode hyphens (U+2010, U+2011) become -, so typography does not split the vocabulary.
 * - A final 's is stripped: "detective's" -> "detective", "it's" -> "it". Descriptions are short and
 *   the dataset small, so folding the possessive into its noun gives that noun more training
 *   examples; the "is" lost from a few contractions carries no genre signal. Other contractions stay
 *   whole ("don't", "they're"), and a plural possessive's trailing apostrophe is already punctuation
 *   ("parents'" -> "parents").
 * - Invisible characters are deleted before words are found, as Unicode word boundaries (UAX #29,
 *   rule WB4) ignore them: every format character (`\p{Cf}`: soft hyphen, zero-width space, ZWNJ,
 *   ZWJ, word joiner, BOM, bidi marks), variation selectors and the keycap mark. So "spy\u200Dmaster",
 *   "spy\u200Bmaster" and "spy\u00ADmaster" are all "spymaster": an invisible character never makes two
 *   spellings of one word. (UAX #29 itself breaks at a zero-width space; here it joins, because a
 *   ZWSP inside a word is far more often pasted-in noise than a deliberate break, and scripts that
 *   use it as a break are segmented by dictionary anyway, below.)
 * - Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) are split into
 *   words by Unicode word boundaries, `Intl.Segmenter` (UAX #29 with ICU's dictionaries), keeping its
 *   word-like segments: "東京で刑事が殺人犯を追う" -> 東京 で 刑事 が 殺人犯 を 追う. Only words holding such
 *   characters go through the segmenter (it is ~15x slower than the rules here, see
 *   `bench/tokenizer.ts`); their segmentation follows the ICU data of the Node version.
 * - Everything else (punctuation, symbols, emoji, whitespace) separates words and is dropped.
 */

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['\u2018\u2019\u2010\u2011-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*/gu;

// Deleted before matching words: format characters (soft hyphen, ZWSP, ZWNJ, ZWJ, word joiner, BOM,
// bidi controls, tags), variation selectors and the combining keycap.
const INVISIBLE = /[\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u20E3]/gu;
// Scripts written without spaces between words: segmented by dictionary.
const UNSPACED = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}';
const HAS_UNSPACED = new RegExp(`[${UNSPACED}]`, 'u');
// One scan decides whether a text needs anything beyond the plain rules (most descriptions do not).
const NEEDS_CARE = new RegExp(`[\\p{Cf}\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}\\u20E3${UNSPACED}]`, 'u');

// Checked before rewriting a word, so the common all-plain word costs one cheap test and no copy.
const NEEDS_REWRITE = /[\u2018\u2019\u02BC\u2010\u2011]/;
const REWRITE = /[\u2018\u2019\u02BC\u2010\u2011]/g;
const EDGE_APOSTROPHES = /^'+|'+$/g;

// Word boundaries for the unspaced scripts. A fixed locale, so the result does not depend on the
// environment's; ICU's dictionaries pick the script themselves.
const SEGMENTER = new Intl.Segmenter('und', { granularity: 'word' });

function rewrite(ch: string): string {
  return ch === '\u2010' || ch === '\u2011' ? '-' : "'";
}

/**
 * The words of `text`, lower-cased and normalised by the rules above, in order; `[]` when it has none
 * (empty, whitespace, punctuation or emoji only: see `hasWords`). Pure and synchronous; ~300,000
 * catalogue descriptions per second on one core (`bench/tokenizer.ts`).
 */
export function tokenize(text: string): string[] {
  return NOT_ASCII.test(text) ? tokenizeUnicode(text) : tokenizeAscii(text);
}

const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * `tokenize` of an all-ASCII text, without the Unicode regular expressions (~3x faster; tested equal
 * to `tokenizeUnicode` on the catalogue and on random ASCII): NFKC leaves ASCII as it is, nothing in
 * ASCII is invisible, needs rewriting or is unspaced, so the rules come down to runs of [a-z0-9]
 * joined by single ' or - between two of them, and the final 's stripped.
 */
export function tokenizeAscii(text: string): string[] {
  const lower = text.toLowerCase();
  const tokens: string[] = [];
  const n = lower.length;
  let i = 0;
  while (i < n) {
    if (!isAsciiWordChar(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      while (i < n && isAsciiWordChar(lower.charCodeAt(i))) i++;
      const c = lower.charCodeAt(i);
      if ((c === 39 || c === 45) && i + 1 < n && isAsciiWordChar(lower.charCodeAt(i + 1))) i++;
      else break;
    }
    let word = lower.slice(start, i);
    if (word.length > 2 && word.endsWith("'s")) word = word.slice(0, -2);
    tokens.push(word);
  }
  return tokens;
}

/** a-z or 0-9 (the text is lower-cased first). */
function isAsciiWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** `tokenize` by its Unicode rules, for any text (the reference the ASCII path is tested against). */
export function tokenizeUnicode(text: string): string[] {
  let normalised = text.normalize('NFKC').toLowerCase();
  let unspaced = false;
  if (NEEDS_CARE.test(normalised)) {
    normalised = normalised.replace(INVISIBLE, '');
    unspaced = HAS_UNSPACED.test(normalised);
  }
  const tokens: string[] = [];
  for (const match of normalised.matchAll(WORD)) {
    let word = match[0];
    if (NEEDS_REWRITE.test(word)) {
      // U+02BC is a letter to Unicode, so it can open or close a match; as ' it must not.
      word = word.replace(REWRITE, rewrite).replace(EDGE_APOSTROPHES, '');
    }
    if (word.length > 2 && word.endsWith("'s")) word = word.slice(0, -2);
    if (word.length === 0) continue;
    if (unspaced && HAS_UNSPACED.test(word)) {
      for (const segment of SEGMENTER.segment(word)) if (segment.isWordLike === true) tokens.push(segment.segment);
    } else {
      tokens.push(word);
    }
  }
  return tokens;
}

/**
 * Whether `text` has at least one word by `tokenize`'s rules. The one rule for token-less texts
 * everywhere (CLI arguments, `predict --input` rows, the HTTP API): a text without words carries no
 * evidence, and a model would give it every genre's prior (~0.5 each, i.e. all 42 genres), so it is
 * refused like an empty text.
 */
export function hasWords(text: string): boolean {
  // An ASCII letter or digit always ends up in a word (no rule above removes or splits one away), so
  // most texts are answered without tokenising: batch scoring checks every row on its reading thread.
  return PLAIN_WORD_CHARACTER.test(text) || tokenize(text).length > 0;
}

const PLAIN_WORD_CHARACTER = /[A-Za-z0-9]/;

/**
 * What to say about a token-less text, naming where it came from (e.g. `"description"`, `argument 2`):
 * the single wording of the rule in `hasWords`.
 */
export function noWordsMessage(what: string, text: string): string {
  return text.trim() === ''
    ? `${what} is empty; expected a description with at least one word`
    : `${what} has no words (only punctuation, symbols or emoji); expected a description with at least one word`;
}
