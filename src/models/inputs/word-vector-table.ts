/**
 * The starting embedding table of a word model (`cnn`, `bilstm`) from pretrained word vectors: one row per
 * vocabulary id, so the saved model keeps only the vocabulary's rows, never the whole vector file.
 */
import { createRng } from '../../util/random.js';
import type { WordVectors } from '../../text/word-vectors.js';

/** An embedding layer's starting weights, rows x dimension row-major. */
export interface PretrainedEmbedding {
  table: Float32Array;
  rows: number;
  dimension: number;
}

/**
 * Row 0 (padding) is zeros; a word the vectors have gets its vector; the unknown-word id (1) and words
 * the vectors lack get uniform values in +-0.05 (Keras's Embedding default), drawn from `seed`.
 * `tokens` are the vocabulary's words in id order from id 2 (Vocabulary's layout).
 */
export function pretrainedEmbedding(tokens: readonly string[], vectors: WordVectors, seed: number): PretrainedEmbedding {
  const dimension = vectors.dimension;
  const rows = tokens.length + 2;
  const table = new Float32Array(rows * dimension);
  const rng = createRng(seed);
  for (let row = 1; row < rows; row++) {
    const vector = row >= 2 ? vectors.vectors.get(tokens[row - 2]) : undefined;
    if (vector !== undefined) table.set(vector, row * dimension);
    else for (let j = 0; j < dimension; j++) table[row * dimension + j] = (rng.next() * 2 - 1) * 0.05;
  }
  return { table, rows, dimension };
}
