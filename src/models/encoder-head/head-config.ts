/**
 * The settings of an encoder + head model's head (the manifest's `config` for kinds `use` and `onnx`),
 * without tfjs: training builds the head from them (head.ts), and opening a saved head validates them
 * (head-loader.ts) without importing tfjs.
 */
import { z } from 'zod';

export const HeadConfig = z
  .object({
    /** Widths of the hidden layers, in order. */
    hidden: z.array(z.number().int().positive()).max(4).default([1024]),
    /** Dropout on the sentence vector and after each hidden layer. */
    dropout: z.number().min(0).max(0.95).default(0.5),
    /** L2 penalty on the kernels, as the sum of squares times this. */
    l2: z.number().min(0).default(0),
  })
  .strict();
export type HeadConfig = z.infer<typeof HeadConfig>;
