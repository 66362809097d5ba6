/** Rebuilds a saved encoder from its manifest entry. */
import { z } from 'zod';
import { Vocabulary } from '../../text/vocabulary.js';
import { WordEncoder } from './word-vectorizer.js';
import { NgramEncoder } from './ngram-vectorizer.js';
import type { EncoderJSON, TextEncoder } from './vectorizer.js';

export const WordsEncoderSchema = z.object({ type: z.literal('words'), tokens: z.array(z.string()), maxLength: z.number().int().positive(), minLength: z.number().int().positive() });
export const NgramsEncoderSchema = z.object({
  type: z.literal('ngrams'),
  buckets: z.number().int().positive(),
  wordNgrams: z.number().int().min(1),
  charNgrams: z.tuple([z.number().int().positive(), z.number().int().positive()]).nullable(),
  maxLength: z.number().int().positive(),
});
export const EncoderJSONSchema: z.ZodType<EncoderJSON> = z.discriminatedUnion('type', [WordsEncoderSchema, NgramsEncoderSchema]);

export function encoderFromJSON(json: EncoderJSON): TextEncoder {
  if (json.type === 'words') return new WordEncoder(Vocabulary.fromJSON({ tokens: json.tokens }), json.maxLength, json.minLength);
  return new NgramEncoder({ buckets: json.buckets, wordNgrams: json.wordNgrams, charNgrams: json.charNgrams }, json.maxLength);
}
