/**
 * Turns a description into the int32 ids a network reads. Every model kind reads one id sequence per
 * text (0 = padding): words for the sequence models, hashed n-grams for `bag`. The encoder is saved in
 * the model's manifest, so predicting re-encodes text exactly as training did.
 */
export interface TextEncoder {
  /** Ids for one text, at most `maxLength` of them. */
  encode(text: string): Int32Array;
  /** The fewest columns a batch must have (a convolution of width k needs k). */
  readonly minLength: number;
  /** Longer texts are cut to this many ids. */
  readonly maxLength: number;
  /** Rows of the network's first embedding table. */
  readonly inputSize: number;
  toJSON(): EncoderJSON;
}

export type EncoderJSON =
  | { type: 'words'; tokens: string[]; maxLength: number; minLength: number }
  | { type: 'ngrams'; buckets: number; wordNgrams: number; charNgrams: [number, number] | null; maxLength: number };
