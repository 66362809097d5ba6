/**
 * Runs the Universal Sentence Encoder lite through ONNX Runtime's native CPU kernels
 * (`onnxruntime-node`): the graph of use-onnx-graph.ts, built in memory from the package's own
 * weights, with `threads` intra-op threads. SentencePiece ids in (sentencepiece-tokenizer.ts), 512-d
 * unit vectors out, within 1e-4 of the TF.js graph on wasm (test/encoders/use/use-onnx-embedder.test.ts).
 */
import { join } from 'node:path';
import type { InferenceSession as Session } from 'onnxruntime-node';
import { PlotlineError } from '../../util/errors.js';
import { buildUseOnnxModel, USE_MAX_TOKENS } from './use-onnx-graph.js';
import { loadUnigramTokenizer, type UnigramTokenizer } from './sentencepiece-tokenizer.js';
import { USE_DIMENSION } from './use-files.js';
import { readUseWeights } from './use-weights.js';
import { prepareOnnxRuntime } from '../onnx-runtime-env.js';

/**
 * Texts per graph call: measured on 600 catalogue
 * descriptions (37 tokens on average), 2 threads, 2026-11-30: 16 texts took ~2.6 CPU s, as few as 8
 * or as many as 32 took 2.7-3.2 s, and padding each batch's length up to a multiple of 8 cost ~10%
 * more. A batch holds texts of like length (sorted), so padding is small.
 */
const BATCH_TEXTS = 16;

export class UseOnnxEmbedder {
  private constructor(
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly session: Session,
    private readonly tokenizer: UnigramTokenizer,
  ) {}

  /**
   * Builds the graph from the TF.js weights in `dir` (model.json, shards, vocab.json) and opens an
   * ONNX Runtime session with `threads` intra-op threads. Throws a PlotlineError naming model.json if
   * the weights are not USE lite's or ONNX Runtime refuses the graph.
   */
  static async load(dir: string, threads: number): Promise<UseOnnxEmbedder> {
    // Imported here: ONNX Runtime is heavy, and only encoding fresh texts needs it.
    const ort = await import('onnxruntime-node');
    // A long command line (a long description given as an argument) would crash the first session.
    await prepareOnnxRuntime();
    const modelFile = join(dir, 'model.json');
    let session: Session;
    try {
      const bytes = buildUseOnnxModel(await readUseWeights(dir));
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: Math.max(1, threads),
        interOpNumThreads: 1,
        // No busy-waiting between kernels: on a machine shared with other work, spinning threads burn
        // the cores the others (and this process's reading thread) need.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      if (error instanceof PlotlineError && error.file !== undefined) throw error;
      throw new PlotlineError(`cannot be run as the Universal Sentence Encoder in ONNX Runtime: ${(error as Error).message}`, { file: modelFile });
    }
    return new UseOnnxEmbedder(ort, session, await loadUnigramTokenizer(join(dir, 'vocab.json')));
  }

  /**
   * n x 512, row-major, in input order. Texts are tokenised, cut to the encoder's 128 positions, sorted
   * by token count and run in batches of like length; rows do not affect each other, so a text's
   * vector does not depend on its batch (up to float rounding, well under 1e-6).
   */
  async embed(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * USE_DIMENSION);
    const ids = texts.map((t) => this.tokenizer.encode(t).slice(0, USE_MAX_TOKENS));
    const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length || a - b);
    for (let start = 0; start < order.length; start += BATCH_TEXTS) {
      const batch = order.slice(start, start + BATCH_TEXTS);
      const vectors = await this.embedBatch(batch.map((i) => ids[i]));
      batch.forEach((i, row) => out.set(vectors.subarray(row * USE_DIMENSION, (row + 1) * USE_DIMENSION), i * USE_DIMENSION));
    }
    return out;
  }

  /** Vectors of already tokenised and clipped texts, batch.length x 512. */
  private async embedBatch(batch: readonly number[][]): Promise<Float32Array> {
    // At least one position, so a batch of token-less texts is a valid input (all masked: zero pooled vector, as in TF.js).
    const length = Math.max(1, ...batch.map((row) => row.length));
    const ids = new BigInt64Array(batch.length * length);
    const mask = new Float32Array(batch.length * length);
    batch.forEach((row, r) => {
      for (let p = 0; p < row.length; p++) {
        ids[r * length + p] = BigInt(row[p]);
        mask[r * length + p] = 1;
      }
    });
    const feeds = {
      ids: new this.ort.Tensor('int64', ids, [batch.length, length]),
      mask: new this.ort.Tensor('float32', mask, [batch.length, length]),
    };
    const result = await this.session.run(feeds);
    const output = result.embeddings;
    try {
      if (output.dims[0] !== batch.length || output.dims[1] !== USE_DIMENSION) {
        throw new Error(`the Universal Sentence Encoder graph returned [${output.dims.join(', ')}] for ${batch.length} texts`);
      }
      return output.data as Float32Array;
    } finally {
      for (const tensor of Object.values(feeds)) tensor.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
