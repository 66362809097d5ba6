/**
 * Runs the Universal Sentence Encoder lite on the current thread's tfjs backend: SentencePiece ids
 * in, 512-d vectors out. The graph takes a batch as a sparse matrix (row, position) -> token id.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlotlineError } from '../../util/errors.js';
import { loadUnigramTokenizer, type UnigramTokenizer } from './sentencepiece-tokenizer.js';
import { USE_DIMENSION } from './use-files.js';

/** Texts per graph call: measured fastest on wasm (16: 6.1 s per 500 texts; 64: 6.8 s; 256: 8.1 s). */
const BATCH = 16;
/** Texts sorted by length together (use-encoder.ts's chunk, so one or two threads batch alike). */
const SORT_WINDOW = 128;
/** Any text with tokens: appended to a batch that ends with token-less texts (see embedBatch). */
const TRAILING_ROW_TEXT = '.';

export class UseEmbedder {
  private constructor(
    private readonly model: tf.GraphModel,
    private readonly tokenizer: UnigramTokenizer,
  ) {}

  /** Loads the graph from `dir` into the active tfjs backend (call useBackend first). */
  static async load(dir: string): Promise<UseEmbedder> {
    const modelFile = join(dir, 'model.json');
    const topology = JSON.parse(await readFile(modelFile, 'utf8')) as {
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const shards = await Promise.all(topology.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
    const weights = Buffer.concat(shards);
    let model: tf.GraphModel;
    try {
      model = await tf.loadGraphModel(
        tf.io.fromMemory({
          modelTopology: topology.modelTopology,
          weightSpecs: topology.weightsManifest.flatMap((g) => g.weights),
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
        }),
      );
    } catch (error) {
      throw new PlotlineError(`cannot be loaded as the Universal Sentence Encoder graph: ${(error as Error).message}`, { file: modelFile });
    }
    return new UseEmbedder(model, await loadUnigramTokenizer(join(dir, 'vocab.json')));
  }

  /**
   * n x 512, row-major, in input order. Within each window of SORT_WINDOW texts (aligned to the input,
   * so a threaded encoder's chunks see the same batches), texts are batched in order of token count:
   * the graph pads a batch to its longest text, so batches of like lengths do less work. Rows do not
   * affect each other, so the vectors are those of any batching (tested to 1e-6).
   */
  async embed(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * USE_DIMENSION);
    for (let from = 0; from < texts.length; from += SORT_WINDOW) {
      const window = texts.slice(from, from + SORT_WINDOW).map((t) => this.tokenizer.encode(t));
      const order = window.map((_, i) => i).sort((a, b) => window[a].length - window[b].length || a - b);
      for (let start = 0; start < order.length; start += BATCH) {
        const batch = order.slice(start, start + BATCH);
        const vectors = await this.embedBatch(batch.map((i) => window[i]));
        batch.forEach((i, row) => out.set(vectors.subarray(row * USE_DIMENSION, (row + 1) * USE_DIMENSION), (from + i) * USE_DIMENSION));
      }
    }
    return out;
  }

  /** Vectors of already tokenised texts (SentencePiece ids), batch.length x 512. */
  private async embedBatch(batch: readonly number[][]): Promise<Float32Array> {
    const ids = [...batch];
    // The graph sizes the batch from the largest row index it is given, so texts with no tokens at
    // the end of a batch would be missing from its output (and a batch of only such texts fails). A
    // row after them makes every row exist; its vector is dropped. Rows do not affect each other, so an
    // empty text gets the vector the graph gives any empty row, wherever it sits in its batch.
    if (ids.length > 0 && ids[ids.length - 1].length === 0) ids.push(this.tokenizer.encode(TRAILING_ROW_TEXT));
    const count = ids.reduce((sum, row) => sum + row.length, 0);
    const indices = new Int32Array(count * 2);
    const values = new Int32Array(count);
    let cell = 0;
    ids.forEach((row, r) => {
      row.forEach((id, position) => {
        indices[cell * 2] = r;
        indices[cell * 2 + 1] = position;
        values[cell++] = id;
      });
    });
    const inputs = { indices: tf.tensor2d(indices, [count, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
    try {
      // executeAsync: the graph clips long inputs with a dynamic-shape op (Where), which execute() refuses.
      const output = (await this.model.executeAsync(inputs)) as tf.Tensor;
      try {
        const rows = output.shape[0] ?? 0;
        if (rows !== ids.length) throw new Error(`the Universal Sentence Encoder graph returned ${rows} rows for ${ids.length} texts`);
        const data = (await output.data()) as Float32Array;
        return rows === batch.length ? data : data.slice(0, batch.length * USE_DIMENSION);
      } finally {
        output.dispose();
      }
    } finally {
      inputs.indices.dispose();
      inputs.values.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
