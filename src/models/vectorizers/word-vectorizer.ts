/** Word ids from a vocabulary built on the training texts: the input of `cnn` and `bilstm`. */
import { tokenize } from '../../text/tokenizer.js';
import { Vocabulary } from '../../text/vocabulary.js';
import type { VectorizerJSON, Vectorizer } from './vectorizer.js';

export class WordVectorizer implements Vectorizer {
  constructor(
    readonly vocabulary: Vocabulary,
    readonly maxLength: number,
    readonly minLength: number,
  ) {}

  static fit(texts: Iterable<string>, options: { minCount: number; maxSize: number; maxLength: number; minLength: number }): WordVectorizer {
    const tokenLists = Array.from(texts, tokenize);
    const vocabulary = Vocabulary.build(tokenLists, { minCount: options.minCount, maxSize: options.maxSize });
    return new WordVectorizer(vocabulary, options.maxLength, options.minLength);
  }

  encode(text: string): Int32Array {
    const ids = this.vocabulary.encode(tokenize(text));
    return ids.length > this.maxLength ? ids.slice(0, this.maxLength) : ids;
  }

  get inputSize(): number {
    return this.vocabulary.size;
  }

  toJSON(): VectorizerJSON {
    return { type: 'words', tokens: this.vocabulary.toJSON().tokens, maxLength: this.maxLength, minLength: this.minLength };
  }
}
