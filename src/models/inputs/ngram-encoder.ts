/** Hashed word, word-bigram and character n-gram ids: the input of `bag`. No vocabulary to fit. */
import { tokenize } from '../../text/tokenizer.js';
import { ngramFeatures, type NgramOptions } from '../../text/hashed-ngrams.js';
import type { EncoderJSON, TextEncoder } from './text-encoder.js';

export class NgramEncoder implements TextEncoder {
  readonly minLength = 1;

  constructor(
    readonly options: NgramOptions,
    readonly maxLength: number,
  ) {}

  encode(text: string): Int32Array {
    const ids = ngramFeatures(tokenize(text), this.options);
    return ids.length > this.maxLength ? ids.slice(0, this.maxLength) : ids;
  }

  get inputSize(): number {
    return this.options.buckets + 1;
  }

  toJSON(): EncoderJSON {
    const { buckets, wordNgrams, charNgrams } = this.options;
    return { type: 'ngrams', buckets, wordNgrams, charNgrams: charNgrams === null ? null : [charNgrams[0], charNgrams[1]], maxLength: this.maxLength };
  }
}
