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
 * - Soft hyphens and variation selectors inside a word are deleted: they are invisible and would
 *   otherwise make two spellings of one word.
 * - Everything else (punctuation, symbols, emoji, whitespace) separates words and is dropped.
 */

// Soft hyphen (U+00AD) is allowed inside a word only so it can be deleted rather than split the word.
const WORD =
  /[\p{L}\p{N}][\p{L}\p{M}\p{N}\u00AD]*(?:['\u2018\u2019\u2010\u2011-][\p{L}\p{N}][\p{L}\p{M}\p{N}\u00AD]*)*/gu;

// Checked before rewriting a word, so the common all-plain word costs one cheap test and no copy.
const NEEDS_REWRITE = /[\u2018\u2019\u02BC\u2010\u2011\u00AD\uFE00-\uFE0F\u20E3]/;
const REWRITE = /[\u2018\u2019\u02BC\u2010\u2011\u00AD\uFE00-\uFE0F\u20E3]/g;
const EDGE_APOSTROPHES = /^'+|'+$/g;

function rewrite(ch: string): string {
  switch (ch) {
    case '\u2018':
    case '\u2019':
    case '\u02BC':
      return "'";
    case '\u2010':
    case '\u2011':
      return '-';
    default:
      return '';
  }
}

export function tokenize(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase();
  const tokens: string[] = [];
  for (const match of normalised.matchAll(WORD)) {
    let word = match[0];
    if (NEEDS_REWRITE.test(word)) {
      // U+02BC is a letter to Unicode, so it can open or close a match; as ' it must not.
      word = word.replace(REWRITE, rewrite).replace(EDGE_APOSTROPHES, '');
    }
    if (word.length > 2 && word.endsWith("'s")) word = word.slice(0, -2);
    if (word.length > 0) tokens.push(word);
  }
  return tokens;
}
