/**
 * The Universal Sentence Encoder lite as a SentenceEncoder: Plotline's default pretrained encoder
 * (model kind `use`). By default the encoder's forward pass runs in ONNX Runtime's native CPU kernels
 * (use-onnx-embedder.ts) with `threads` intra-op threads: ~4.5x the TF.js graph's rate at the same
 * thread count and ~1/5 of its CPU time (README, "`use` prediction, third pass"), and within 1e-4 of
 * its vectors (tested; 1e-6 measured), so models and cached embeddings made either way mix. `runtime: 'tfjs'`
 * keeps the package's TF.js graph (the reference the tests compare against): tfjs's wasm backend
 * computes on one thread, so with `threads` > 1 the texts are cut into chunks embedded by that many
 * worker threads, each with its own backend and graph; the vectors are the same either way (each text
 * is embedded on its own row of a sparse batch). The graph and threads start with the first texts to embed.
 */
import { availableParallelism } from 'node:os';
import type { BackendName } from '../../engine/backend.js';
import { importLazily } from '../../util/import-lazily.js';
import type { EncoderReference, SentenceEncoder } from '../sentence-encoder.js';
import { UseOnnxEmbedder } from './use-onnx-embedder.js';
import { USE_DIMENSION, locateUseFiles, useReference } from './use-files.js';
import type { UseWorkerData } from './use-worker.js';

/** What runs the encoder's graph: ONNX Runtime (default) or TF.js (the package's own graph). */
export type UseRuntime = 'onnx' | 'tfjs';

export interface UseEncoderOptions {
  /**
   * ONNX Runtime: intra-op threads. TF.js: worker threads; 1 embeds on the calling thread. Default:
   * every core (at most 4).
   */
  threads?: number;
  /** Default `onnx`. */
  runtime?: UseRuntime;
  /** TF.js only: its backend (default wasm). */
  backend?: BackendName;
  /** A folder with model.json, shards and vocab.json instead of the npm package (tests, custom copies). */
  dir?: string;
}

/** Texts per task sent to a worker: small enough to balance two threads and report progress often. */
const CHUNK = 128;

export async function openUseEncoder(options: UseEncoderOptions = {}): Promise<SentenceEncoder> {
  const located = await locateUseFiles(options.dir);
  const reference = useReference(located);
  const threads = options.threads ?? Math.min(4, availableParallelism());
  const backend = options.backend ?? 'wasm';
  // The graph is loaded (and the worker threads started) on the first texts to embed, not here: a
  // model whose texts all come from the embedding cache never pays for it. The files are located and
  // hashed now, so a missing or changed encoder is still reported on open.
  let started: Promise<{ embedChunk: (chunk: readonly string[]) => Promise<Float32Array>; dispose: () => Promise<void> }> | null = null;
  const runtime = options.runtime ?? 'onnx';
  const start = () =>
    (started ??=
      runtime === 'onnx' ? startOnnx(located.dir, threads) : threads <= 1 ? startInProcess(located.dir, backend) : startWorkers(threads, { dir: located.dir, backend }));
  return useEncoder(
    reference,
    located.parameters,
    async (chunk) => (await start()).embedChunk(chunk),
    async () => {
      if (started !== null) await (await started.catch(() => null))?.dispose();
    },
  );
}

/** The graph in ONNX Runtime (its own `threads` threads), one chunk at a time. */
async function startOnnx(dir: string, threads: number) {
  const embedder = await UseOnnxEmbedder.load(dir, threads);
  return { embedChunk: oneAtATime((chunk) => embedder.embed(chunk)), dispose: () => embedder.dispose() };
}

/** The graph on this thread's backend, one chunk at a time (interleaving graph calls on one backend gains nothing). */
async function startInProcess(dir: string, backend: BackendName) {
  // tfjs and its backend are imported only here: the default runtime (ONNX Runtime) never loads them.
  await (await importLazily(() => import('../../engine/backend.js'), '../../engine/backend.js', import.meta.url)).useBackend(backend);
  const { UseEmbedder } = await importLazily(() => import('./use-embedder.js'), './use-embedder.js', import.meta.url);
  const embedder = await UseEmbedder.load(dir);
  return { embedChunk: oneAtATime((chunk) => embedder.embed(chunk)), dispose: async () => embedder.dispose() };
}

/** `embed` with calls queued: each starts when the previous one has settled. */
function oneAtATime(embed: (chunk: readonly string[]) => Promise<Float32Array>): (chunk: readonly string[]) => Promise<Float32Array> {
  let queue: Promise<unknown> = Promise.resolve();
  return (chunk) => {
    const result = queue.then(() => embed(chunk));
    queue = result.catch(() => undefined);
    return result;
  };
}

/** `threads` worker threads, each with its own backend and graph. */
async function startWorkers(threads: number, data: UseWorkerData) {
  const { ThreadPool, threadEntry } = await importLazily(() => import('../../util/thread-pool.js'), '../../util/thread-pool.js', import.meta.url);
  const pool = await ThreadPool.start<string[], Float32Array>(threadEntry(import.meta.url, 'use-worker'), threads, data, 'encoder worker');
  return { embedChunk: (chunk: readonly string[]) => pool.run([...chunk]), dispose: () => pool.close() };
}

function useEncoder(
  reference: EncoderReference,
  parameters: number,
  embedChunk: (texts: readonly string[]) => Promise<Float32Array>,
  dispose: () => Promise<void>,
): SentenceEncoder {
  return {
    id: reference.id,
    dimension: USE_DIMENSION,
    parameters,
    reference: () => reference,
    dispose,
    async embed(texts, onProgress) {
      const out = new Float32Array(texts.length * USE_DIMENSION);
      let done = 0;
      const chunks: Promise<void>[] = [];
      for (let start = 0; start < texts.length; start += CHUNK) {
        const chunk = texts.slice(start, start + CHUNK);
        chunks.push(
          embedChunk(chunk).then((vectors) => {
            out.set(vectors, start * USE_DIMENSION);
            done += chunk.length;
            onProgress?.(done);
          }),
        );
      }
      await Promise.all(chunks);
      return out;
    },
  };
}
