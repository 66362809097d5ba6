/** Rebuilds a saved text vectorizer from its manifest entry (the manifest's `encoder` field). */
import { z } from 'zod';
import { Vocabulary } from '../../text/vocabulary.js';
import { WordVectorizer } from './word-vectorizer.js';
import { NgramVectorizer } from './ngram-vectorizer.js';
import type { VectorizerJSON, Vectorizer } from './vectorizer.js';

export const WordsVectorizerSchema = z.object({ type: z.literal('words'), tokens: z.array(z.string()), maxLength: z.number().int().positive(), minLength: z.number().int().positive() });
export const NgramsVectorizerSchema = z.object({
  type: z.literal('ngrams'),
  buckets: z.number().int().positive(),
  wordNgrams: z.number().int().min(1),
  charNgrams: z.tuple([z.number().int().positive(), z.number().int().positive()]).nullable(),
  maxLength: z.number().int().positive(),
});
export const VectorizerJSONSchema: z.ZodType<VectorizerJSON> = z.discriminatedUnion('type', [WordsVectorizerSchema, NgramsVectorizerSchema]);

export function vectorizerFromJSON(json: VectorizerJSON): Vectorizer {
  if (json.type === 'words') return new WordVectorizer(Vocabulary.fromJSON({ tokens: json.tokens }), json.maxLength, json.minLength);
  return new NgramVectorizer({ buckets: json.buckets, wordNgrams: json.wordNgrams, charNgrams: json.charNgrams }, json.maxLength);
}
