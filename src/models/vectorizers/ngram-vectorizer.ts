/** Hashed word, word-bigram and character n-gram ids: the input of `bag`. No vocabulary to fit. */
import { tokenize } from '../../text/tokenizer.js';
import { ngramFeatures, tokensWithinFeatures, type NgramOptions } from '../../text/hashed-ngrams.js';
import type { VectorizerJSON, Vectorizer } from './vectorizer.js';

export class NgramVectorizer implements Vectorizer {
  readonly minLength = 1;

  constructor(
    readonly options: NgramOptions,
    readonly maxLength: number,
  ) {}

  /**
   * The text's feature ids, at most `maxLength` of them. A long text is cut by tokens first (the
   * longest prefix of words whose words, bigrams and char n-grams all fit), so the words kept keep
   * their char n-grams; only a first word too long to fit alone is cut inside its features.
   */
  encode(text: string): Int32Array {
    const tokens = tokenize(text);
    const kept = tokensWithinFeatures(tokens, this.options, this.maxLength);
    const ids = ngramFeatures(kept === tokens.length ? tokens : tokens.slice(0, Math.max(1, kept)), this.options);
    return ids.length > this.maxLength ? ids.slice(0, this.maxLength) : ids;
  }

  get inputSize(): number {
    return this.options.buckets + 1;
  }

  toJSON(): VectorizerJSON {
    const { buckets, wordNgrams, charNgrams } = this.options;
    return { type: 'ngrams', buckets, wordNgrams, charNgrams: charNgrams === null ? null : [charNgrams[0], charNgrams[1]], maxLength: this.maxLength };
  }
}
