/**
 * A text vectorizer: turns a description into the int32 ids a network reads. Every from-scratch kind
 * reads one id sequence per text (0 = padding): words for the sequence models, hashed n-grams for
 * `bag`. The vectorizer is saved in the model's manifest (its `encoder` field, the name saved folders
 * have always used), so predicting turns text into ids exactly as training did. (Not to be confused
 * with a pretrained sentence encoder, ../../encoders/, nor with the global TextEncoder of UTF-8.)
 */
export interface Vectorizer {
  /** Ids for one text, at most `maxLength` of them. */
  encode(text: string): Int32Array;
  /** The fewest columns a batch must have (a convolution of width k needs k). */
  readonly minLength: number;
  /** Longer texts are cut to this many ids. */
  readonly maxLength: number;
  /** Rows of the network's first embedding table. */
  readonly inputSize: number;
  toJSON(): VectorizerJSON;
}

export type VectorizerJSON =
  | { type: 'words'; tokens: string[]; maxLength: number; minLength: number }
  | { type: 'ngrams'; buckets: number; wordNgrams: number; charNgrams: [number, number] | null; maxLength: number };
