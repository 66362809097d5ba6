/**
 * fastText-style features for the bag-of-n-grams model: words, word n-grams and character n-grams,
 * each hashed into a fixed number of buckets. Hashing needs no vocabulary, so a word never seen in
 * training still shares char n-grams (and thus embedding rows) with words that were ("detectives"
 * with "detective").
 *
 * The hash is FNV-1a 32-bit over the UTF-16LE bytes of the text, with char n-grams cut at code point
 * boundaries (a surrogate pair is one character). That fixes every id to the input string alone:
 * saved models give the same features on any platform or Node version.
 */

export interface NgramOptions {
  /** Number of hash buckets; feature ids are 1..buckets, 0 being padding. */
  buckets: number;
  /** Longest word n-gram: 1 = words only, 2 = words and bigrams. */
  wordNgrams: number;
  /** Character n-gram lengths [min, max] over "<word>", or null for none. fastText uses [3, 6]. */
  charNgrams: readonly [number, number] | null;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

// Each kind of feature starts from its own hash state, so the word "cat" and the char n-gram "cat"
// (from inside "<cats>") land in unrelated buckets instead of always sharing one.
const KIND_WORD = 1;
const KIND_WORD_NGRAM = 2;
const KIND_CHAR_NGRAM = 3;
// Separates words inside a word n-gram so ("ab", "c") and ("a", "bc") hash differently. The tokenizer
// never emits U+0000.
const WORD_SEPARATOR = 0;
const BOW = 0x3c; // '<'
const EOW = 0x3e; // '>'

function fnvByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
}

function fnvCodeUnit(hash: number, unit: number): number {
  return fnvByte(fnvByte(hash, unit & 0xff), unit >>> 8);
}

function fnvString(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = fnvCodeUnit(hash, text.charCodeAt(i));
  return hash;
}

function fnvCodePoint(hash: number, codePoint: number): number {
  if (codePoint <= 0xffff) return fnvCodeUnit(hash, codePoint);
  const offset = codePoint - 0x10000;
  return fnvCodeUnit(fnvCodeUnit(hash, 0xd800 + (offset >>> 10)), 0xdc00 + (offset & 0x3ff));
}

const SEED_WORD = fnvByte(FNV_OFFSET, KIND_WORD);
const SEED_WORD_NGRAM = fnvByte(FNV_OFFSET, KIND_WORD_NGRAM);
const SEED_CHAR_NGRAM = fnvByte(FNV_OFFSET, KIND_CHAR_NGRAM);

function validate(options: NgramOptions): void {
  const { buckets, wordNgrams, charNgrams } = options;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 0x7fffffff) {
    throw new RangeError(`ngram buckets must be an integer in [1, 2147483647], got ${buckets}`);
  }
  if (!Number.isInteger(wordNgrams) || wordNgrams < 1) {
    throw new RangeError(`wordNgrams must be an integer >= 1, got ${wordNgrams}`);
  }
  if (charNgrams !== null) {
    const [min, max] = charNgrams;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
      throw new RangeError(`charNgrams must be [min, max] integers with 1 <= min <= max, got [${min}, ${max}]`);
    }
  }
}

/**
 * All features of one tokenised document, as bucket ids in [1, buckets]: every word, then every word
 * n-gram of length 2..wordNgrams, then the char n-grams of each word. Repeats are kept (a word used
 * twice counts twice), as fastText averages over occurrences.
 */
export function ngramFeatures(tokens: readonly string[], options: NgramOptions): Int32Array {
  validate(options);
  const { buckets, wordNgrams, charNgrams } = options;
  // Filled in place (no per-feature array push): this runs once per text at prediction time.
  let out = scratch;
  let n = 0;
  const push = (hash: number): void => {
    if (n === out.length) out = scratch = growScratch(out);
    out[n++] = (hash % buckets) + 1;
  };

  for (const token of tokens) push(fnvString(SEED_WORD, token));

  for (let start = 0; start + 1 < tokens.length; start++) {
    let hash = fnvString(SEED_WORD_NGRAM, tokens[start]);
    for (let size = 2; size <= wordNgrams && start + size <= tokens.length; size++) {
      hash = fnvString(fnvCodeUnit(hash, WORD_SEPARATOR), tokens[start + size - 1]);
      push(hash);
    }
  }

  if (charNgrams !== null) {
    for (const token of tokens) {
      const room = n + (token.length + 2) * charNgrams[1];
      if (room > out.length) out = scratch = growScratch(out, room);
      n = pushCharNgrams(token, charNgrams, buckets, out, n);
    }
  }

  return out.slice(0, n);
}

/**
 * Writes the char n-gram ids of one token (over "<token>", lengths charNgrams[0]..[1]) into out from
 * `n`, and returns the new end. `out` must have room for (token.length + 2) x maxN more ids, which
 * bounds their count.
 */
function pushCharNgrams(token: string, charNgrams: readonly [number, number], buckets: number, out: Int32Array, n: number): number {
  const [minN, maxN] = charNgrams;
  let chars = charScratch;
  if (token.length + 2 > chars.length) chars = charScratch = new Int32Array(2 * (token.length + 2));
  let length = 0;
  chars[length++] = BOW;
  for (let i = 0; i < token.length; i++) {
    const code = token.codePointAt(i)!;
    chars[length++] = code;
    if (code > 0xffff) i++; // a surrogate pair is one character
  }
  chars[length++] = EOW;
  // FNV-1a is sequential, so extending an n-gram by one character extends its hash: each start
  // position costs maxN steps, not a substring and a rehash per length.
  for (let start = 0; start < length; start++) {
    let hash = SEED_CHAR_NGRAM;
    for (let size = 1; size <= maxN && start + size <= length; size++) {
      hash = fnvCodePoint(hash, chars[start + size - 1]);
      // As fastText: a lone boundary marker says nothing about the word.
      if (size >= minN && !(size === 1 && (start === 0 || start === length - 1))) out[n++] = (hash % buckets) + 1;
    }
  }
  return n;
}

/**
 * The features one token brings to any document it is in, whatever its neighbours: its word id, then
 * its char n-gram ids, in `ngramFeatures`'s order for that token. A document's features are these for
 * each token plus its word n-grams (`wordPairId`), so a scorer can cache them per distinct word.
 */
export function tokenFeatures(token: string, options: NgramOptions): Int32Array {
  validate(options);
  const { buckets, charNgrams } = options;
  const room = charNgrams === null ? 1 : 1 + (token.length + 2) * charNgrams[1];
  let out = scratch;
  if (room > out.length) out = scratch = growScratch(out, room);
  out[0] = (fnvString(SEED_WORD, token) % buckets) + 1;
  const n = charNgrams === null ? 1 : pushCharNgrams(token, charNgrams, buckets, out, 1);
  return out.slice(0, n);
}

/** The id of the word bigram (first, second): the one `ngramFeatures` lists for two adjacent tokens. */
export function wordPairId(first: string, second: string, buckets: number): number {
  return wordPairIdAfter(wordPairPrefix(first), second, buckets);
}

/**
 * The part of `wordPairId(first, second, buckets)` that depends on `first` alone (the hash state after
 * it and the separator), so a caller that sees a word many times can keep it: then
 * `wordPairIdAfter(wordPairPrefix(first), second, buckets) === wordPairId(first, second, buckets)`.
 */
export function wordPairPrefix(first: string): number {
  return fnvCodeUnit(fnvString(SEED_WORD_NGRAM, first), WORD_SEPARATOR);
}

/** `wordPairId` from the first word's `wordPairPrefix` and the second word. */
export function wordPairIdAfter(prefix: number, second: string, buckets: number): number {
  return (fnvString(prefix, second) % buckets) + 1;
}

let scratch: Int32Array = new Int32Array(2048);
let charScratch: Int32Array = new Int32Array(64);

function growScratch(a: Int32Array, atLeast = 0): Int32Array {
  const b = new Int32Array(Math.max(a.length * 2, atLeast));
  b.set(a);
  return b;
}

/** Length of `text` in code points (a surrogate pair is one character, as in `ngramFeatures`). */
function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

/**
 * How many features `ngramFeatures` gives token `index` of a document on its own account: the word,
 * the word n-grams that end at it (min(index, wordNgrams - 1)), and its char n-grams. The counts of a
 * document's tokens add up to `ngramFeatures(tokens).length`.
 */
export function tokenFeatureCount(token: string, index: number, options: NgramOptions): number {
  let count = 1 + Math.min(index, options.wordNgrams - 1);
  if (options.charNgrams !== null) {
    const [minN, maxN] = options.charNgrams;
    const chars = codePointLength(token) + 2; // with the '<' and '>' markers
    for (let n = minN; n <= maxN; n++) count += Math.max(0, chars - n + 1) - (n === 1 ? 2 : 0);
  }
  return count;
}

/**
 * The longest prefix of `tokens` (its length, in tokens) whose features all fit in `maxFeatures`.
 * Truncating a long text by tokens, before listing features, keeps every kind of feature of the words
 * kept (its char n-grams too); cutting the feature list instead would keep the words and bigrams of
 * the whole text and none of its char n-grams, since those are listed last.
 */
export function tokensWithinFeatures(tokens: readonly string[], options: NgramOptions, maxFeatures: number): number {
  let total = 0;
  for (let i = 0; i < tokens.length; i++) {
    total += tokenFeatureCount(tokens[i], i, options);
    if (total > maxFeatures) return i;
  }
  return tokens.length;
}

/**
 * In how many documents each feature id occurs (at most once per document), indexed by id; entry 0,
 * padding, stays 0.
 */
export function documentFrequencies(featureLists: Iterable<Int32Array>, buckets: number): Float32Array {
  const df = new Float32Array(buckets + 1);
  // Last document each id was counted in: dedupes within a document without a Set per document.
  const lastSeen = new Int32Array(buckets + 1).fill(-1);
  let doc = 0;
  for (const features of featureLists) {
    for (let i = 0; i < features.length; i++) {
      const id = features[i];
      if (id < 1 || id > buckets) throw new RangeError(`feature id ${id} in document ${doc} is outside [1, ${buckets}]`);
      if (lastSeen[id] !== doc) {
        lastSeen[id] = doc;
        df[id] += 1;
      }
    }
    doc++;
  }
  return df;
}

/**
 * Smooth idf as scikit-learn computes it, ln((1 + n) / (1 + df)) + 1, per feature id. Entry 0 is 0
 * rather than an idf, so a model that multiplies embeddings by these weights ignores padding for free.
 */
export function idfWeights(df: Float32Array, numDocs: number): Float32Array {
  if (!Number.isInteger(numDocs) || numDocs < 0) throw new RangeError(`numDocs must be an integer >= 0, got ${numDocs}`);
  const idf = new Float32Array(df.length);
  for (let id = 1; id < df.length; id++) idf[id] = Math.log((1 + numDocs) / (1 + df[id])) + 1;
  return idf;
}
