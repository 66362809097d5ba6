/**
 * Every model kind's name and one-line summary, in the order the CLI lists them, without loading any
 * kind (no tfjs, no encoders): `plotline --help` reads this, and the kind registry (kinds.ts) takes
 * its summaries from here. test/models/kind-summaries.test.ts checks that the names are exactly the
 * registry's trainable kinds.
 */
export const KIND_SUMMARIES = {
  cnn: 'word CNN (widths 2-5, max-pool over time): the quickest to train',
  bilstm: 'the 2020 write-up reference: Embedding(8) -> 2x BiLSTM(32) -> Dense(32), macro soft-F1 loss',
  bag: 'fastText-style bag of hashed word, bigram and char n-grams with idf weights: the default, best on validation',
  use: 'Universal Sentence Encoder lite (pretrained, shipped in npm, frozen) + a trained Dense head',
  onnx: 'a BERT-family ONNX encoder from --encoder (folder or hub id; frozen) + a trained Dense head',
} as const;

/** Every kind `plotline train --model` accepts: the from-scratch kinds, then the encoder + head kinds. */
export const KIND_NAMES = Object.keys(KIND_SUMMARIES) as (keyof typeof KIND_SUMMARIES)[];

/** One line per kind, for --help. */
export function describeKinds(): string {
  return KIND_NAMES.map((name) => `${name} (${KIND_SUMMARIES[name]})`).join('; ');
}
