/**
 * BERT-family sentence encoders from an ONNX export, run by ONNX Runtime on the CPU through
 * `@huggingface/transformers`, with pooling and normalisation done here (pooling.ts) so they follow
 * the folder's sentence-transformers settings exactly rather than the library's defaults.
 *
 * Where the model comes from: `spec` is a folder if one exists at that path; otherwise a hub id,
 * used from the cache if it was fetched before, and fetched only with `allowDownload` (hub.ts).
 *
 * Cost: texts are tokenized once, sorted by token count (longest first) and embedded in batches of
 * `batchSize`, so each batch pads only to its own longest text rather than to the longest of the
 * whole input; results go back to input order. Attention is quadratic in the padded length, so this
 * matters more than the batch size. ONNX Runtime gets 2 intra-op threads by default: the rest of
 * Plotline (scoring workers, the server) expects to share a small machine.
 */
import { AutoModel, Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { prepareOnnxRuntime } from '../onnx-runtime-env.js';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PlotlineError } from '../../util/errors.js';
import { EncoderReferenceSchema, type EncoderReference, type SentenceEncoder } from '../sentence-encoder.js';
import { resolveEncoderFolder, type EncoderFolder } from './encoder-folder.js';
import { defaultHubCacheDir, downloadHubModel, hubCacheFolder, isHubId } from './hub.js';
import { poolTokenVectors } from './pooling.js';
import { FolderTokenizer, padBatch, type EncodedText } from './tokenizer.js';
import { useTransformersOffline } from './transformers-env.js';

export interface OpenOnnxEncoderOptions {
  /** Fetch a hub id that is not in the cache (default false: fail, saying how to allow it). */
  allowDownload?: boolean;
  /** Where hub models are cached (default `hub/` in Plotline's cache folder, see encoders/cache-dir.ts). */
  cacheDir?: string;
  /** Texts per ONNX Runtime call (default 32). */
  batchSize?: number;
  /** ONNX Runtime intra-op threads (default 2). */
  threads?: number;
}

export const DEFAULT_BATCH_SIZE = 32;
export const DEFAULT_THREADS = 2;

export async function openOnnxEncoder(spec: string, options: OpenOnnxEncoderOptions = {}): Promise<OnnxEncoder> {
  const { dir, source } = await locate(spec, options);
  const folder = await resolveEncoderFolder(dir);
  const tokenizer = await FolderTokenizer.open(folder.dir);
  useTransformersOffline();
  let model: PreTrainedModel;
  try {
    // A long command line (a long description given as an argument) would crash ONNX Runtime's first session.
    await prepareOnnxRuntime();
    model = await AutoModel.from_pretrained(folder.dir, {
      local_files_only: true,
      device: 'cpu',
      // The library names files by dtype: fp32 -> onnx/model.onnx, q8 -> onnx/model_quantized.onnx.
      dtype: folder.quantized ? 'q8' : 'fp32',
      session_options: { intraOpNumThreads: options.threads ?? DEFAULT_THREADS, interOpNumThreads: 1 },
    });
  } catch (err) {
    throw new PlotlineError(`cannot load the ONNX model: ${(err as Error).message}`, { file: path.join(folder.dir, folder.modelFile) });
  }
  return new OnnxEncoder(folder, source, tokenizer, model, options.batchSize ?? DEFAULT_BATCH_SIZE);
}

/** The folder to open, and what `reference().source` records: the folder's absolute path, or the hub id. */
async function locate(spec: string, options: OpenOnnxEncoderOptions): Promise<{ dir: string; source: string }> {
  const local = path.resolve(spec);
  if (await exists(local)) return { dir: local, source: local };
  if (!isHubId(spec)) {
    throw new PlotlineError('not found: expected a model folder, or a Hugging Face hub id such as sentence-transformers/all-MiniLM-L6-v2', {
      file: local,
    });
  }
  const cacheDir = path.resolve(options.cacheDir ?? defaultHubCacheDir());
  if (options.allowDownload === true) return { dir: await downloadHubModel(spec, cacheDir), source: spec };
  const cached = hubCacheFolder(spec, cacheDir);
  if (await exists(path.join(cached, 'config.json'))) return { dir: cached, source: spec };
  throw new PlotlineError(
    `"${spec}" is not a folder on disk and is not in the model cache (${cacheDir}). ` +
      'Pass --allow-download to fetch it from the Hugging Face hub, or pass the path of a local model folder.',
  );
}

export class OnnxEncoder implements SentenceEncoder {
  readonly id: string;
  readonly dimension: number;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    /** What was read from the folder: pooling, normalisation, max length, files. */
    readonly folder: EncoderFolder,
    private readonly source: string,
    private readonly tokenizer: FolderTokenizer,
    private readonly model: PreTrainedModel,
    private readonly batchSize: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    this.id = folder.id;
    this.dimension = folder.dimension;
  }

  /** The ids the model reads for `text`: special tokens included, truncated to the folder's max length. */
  tokenize(text: string): number[] {
    return this.tokenizer.encode([text], this.folder.maxLength)[0].ids;
  }

  embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array> {
    // Checked at the call, not when its turn comes: calls made before dispose() still finish.
    if (this.disposed) return Promise.reject(new Error(`encoder ${this.id} was disposed`));
    // One ONNX Runtime call at a time: concurrent calls would only fight over the same threads.
    const run = this.queue.then(() => this.embedNow(texts, onProgress));
    this.queue = run.catch(() => undefined);
    return run;
  }

  reference(): EncoderReference {
    return EncoderReferenceSchema.parse({
      type: 'onnx',
      id: this.id,
      source: this.source,
      dimension: this.dimension,
      files: this.folder.files,
      pooling: this.folder.pooling,
      normalize: this.folder.normalize,
      maxLength: this.folder.maxLength,
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.model.dispose();
  }

  private async embedNow(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array> {
    const { dimension } = this;
    const out = new Float32Array(texts.length * dimension);
    const encoded = this.tokenizer.encode(texts, this.folder.maxLength);
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[b].ids.length - encoded[a].ids.length || a - b);
    let done = 0;
    for (let start = 0; start < order.length; start += this.batchSize) {
      const rows = order.slice(start, start + this.batchSize);
      const pooled = await this.embedBatch(rows.map((i) => encoded[i]));
      rows.forEach((i, r) => out.set(pooled.subarray(r * dimension, (r + 1) * dimension), i * dimension));
      done += rows.length;
      onProgress?.(done);
    }
    return out;
  }

  private async embedBatch(texts: readonly EncodedText[]): Promise<Float32Array> {
    const batch = padBatch(texts, this.tokenizer.padId);
    const inputs: Record<string, Tensor> = { input_ids: batch.inputIds, attention_mask: batch.attentionMask };
    // Omitted when the tokenizer makes none; the library fills zeros if the graph wants them anyway.
    if (batch.tokenTypeIds !== undefined) inputs.token_type_ids = batch.tokenTypeIds;
    const outputs = (await this.model.forward(inputs)) as Record<string, unknown>;
    // Transformers exports name it last_hidden_state; sentence-transformers exports token_embeddings.
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? Object.values(outputs)[0];
    const modelFile = path.join(this.folder.dir, this.folder.modelFile);
    if (!(hidden instanceof Tensor) || hidden.type !== 'float32' || hidden.dims.length !== 3) {
      throw new PlotlineError('expected a float32 [batch, tokens, hidden] output (last_hidden_state) from the ONNX model', { file: modelFile });
    }
    const [rows, tokens, width] = hidden.dims;
    if (rows !== batch.rows || tokens !== batch.tokens || width !== this.dimension) {
      throw new PlotlineError(
        `the model's output is [${hidden.dims.join(', ')}], expected [${batch.rows}, ${batch.tokens}, ${this.dimension}] (hidden_size in config.json)`,
        { file: modelFile },
      );
    }
    return poolTokenVectors({ data: hidden.data as Float32Array, rows, tokens, width }, batch.mask, this.folder.pooling, this.folder.normalize);
  }
}

async function exists(target: string): Promise<boolean> {
  return (await stat(target).catch(() => undefined)) !== undefined;
}
