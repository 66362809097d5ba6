/**
 * Token <-> id mapping for the embedding models. Ids 0 and 1 are reserved: 0 pads short sequences
 * (and so must never mean a word), 1 stands for every token the training data did not make common
 * enough to learn.
 */
import { PlotlineError } from '../util/errors.js';
import { compareCodePoints } from '../util/strings.js';

export interface VocabularyOptions {
  /** Tokens seen fewer times than this map to OOV: an embedding seen once is mostly noise. Default 2. */
  minCount?: number;
  /** Upper bound on `size`, counting the two reserved ids. Default 20000. */
  maxSize?: number;
}

export interface VocabularyJSON {
  /** The learned tokens in id order, starting at id 2; the reserved ids are implicit. */
  tokens: string[];
}

const RESERVED = 2;

export class Vocabulary {
  static readonly PAD = 0;
  static readonly OOV = 1;

  private readonly tokens: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  private constructor(tokens: readonly string[]) {
    this.tokens = tokens;
    const ids = new Map<string, number>();
    tokens.forEach((token, i) => ids.set(token, i + RESERVED));
    this.ids = ids;
  }

  /**
   * Counts tokens and keeps the most frequent. Ties are broken by code point so the same corpus
   * always yields the same ids, whatever order its documents arrive in.
   */
  static build(tokenLists: Iterable<readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const minCount = options.minCount ?? 2;
    const maxSize = options.maxSize ?? 20000;
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new RangeError(`Vocabulary minCount must be an integer >= 1, got ${minCount}`);
    }
    if (!Number.isInteger(maxSize) || maxSize < RESERVED) {
      throw new RangeError(`Vocabulary maxSize must be an integer >= ${RESERVED} (it counts the reserved ids), got ${maxSize}`);
    }

    const counts = new Map<string, number>();
    for (const tokens of tokenLists) {
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    }

    const kept = [...counts].filter(([, count]) => count >= minCount);
    kept.sort(([ta, ca], [tb, cb]) => cb - ca || compareCodePoints(ta, tb));
    return new Vocabulary(kept.slice(0, maxSize - RESERVED).map(([token]) => token));
  }

  /** Restores a saved vocabulary; the input comes from a model file, so it is checked, not trusted. */
  static fromJSON(json: unknown): Vocabulary {
    if (typeof json !== 'object' || json === null || !Array.isArray((json as { tokens?: unknown }).tokens)) {
      throw new PlotlineError('vocabulary must be an object with a "tokens" array of strings');
    }
    const tokens: unknown[] = (json as { tokens: unknown[] }).tokens;
    const seen = new Set<string>();
    tokens.forEach((token, i) => {
      if (typeof token !== 'string') {
        throw new PlotlineError(`vocabulary token ${i} must be a string, got ${token === null ? 'null' : typeof token}`);
      }
      if (seen.has(token)) {
        throw new PlotlineError(`vocabulary token ${i} ${JSON.stringify(token)} is a duplicate; each token must appear once`);
      }
      seen.add(token);
    });
    return new Vocabulary([...(tokens as string[])]);
  }

  /** Number of ids, including PAD and OOV: the embedding table's row count. */
  get size(): number {
    return this.tokens.length + RESERVED;
  }

  idOf(token: string): number {
    return this.ids.get(token) ?? Vocabulary.OOV;
  }

  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.ids.get(tokens[i]) ?? Vocabulary.OOV;
    return out;
  }

  toJSON(): VocabularyJSON {
    return { tokens: [...this.tokens] };
  }
}
