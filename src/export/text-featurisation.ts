/**
 * What the side file says about a bag's text input, shared by the two ways a bag is exported (its
 * collapsed linear form as loaded, export-model.ts; a bag saved as its tfjs network, network-onnx.ts)
 * so both write the same `ids` input and featurisation; and the shape of a graph input's entry.
 */
import type { Vectorizer } from '../models/vectorizers/vectorizer.js';

/** One graph input as the side file lists it (export-model.ts `OnnxSideFile.inputs`). */
export interface SideFileInput {
  name: string;
  type: 'int64' | 'float32';
  shape: (string | number)[];
  description: string;
}

/** How the side file describes the tokenizer (src/text/tokenizer.ts). */
export const TOKENIZER_NOTE = 'src/text/tokenizer.ts: NFKC, lower-case, words of letters/marks/digits with inner apostrophes and hyphens, final \'s stripped';

/** A bag graph's input: hashed n-gram ids, int64 [batch, length]. */
export const BAG_IDS_INPUT: SideFileInput = { name: 'ids', type: 'int64', shape: ['batch', 'length'], description: 'each text\'s hashed n-gram ids (featurisation), one row per text, padded at the end with 0' };

/** A bag's featurisation for the side file: its vectorizer's settings, then how tokens and ids are made. */
export function bagFeaturisation(vectorizer: Vectorizer): Record<string, unknown> {
  return {
    ...vectorizer.toJSON(),
    tokenizer: TOKENIZER_NOTE,
    hashing: 'src/text/hashed-ngrams.ts: FNV-1a 32-bit (offset 0x811c9dc5, prime 0x01000193) over UTF-16LE bytes, started from the offset hashed with one kind byte (1 word, 2 word n-gram, 3 char n-gram); every word; every word n-gram of 2..wordNgrams words joined by code unit 0; every char n-gram of charNgrams lengths over "<" + word + ">" by code point, except a lone "<" or ">"; id = (hash mod buckets) + 1; repeats kept, order irrelevant (the graph sums)',
    truncate: 'keep the first maxLength ids',
  };
}
