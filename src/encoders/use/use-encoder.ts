/**
 * The Universal Sentence Encoder lite as a SentenceEncoder: Plotline's default pretrained encoder
 * (model kind `use`). tfjs's wasm backend computes on one thread, so with `threads` > 1 the texts are
 * cut into chunks embedded by that many worker threads, each with its own backend and graph; the
 * vectors are the same either way (each text is embedded on its own row of a sparse batch).
 */
import { availableParallelism } from 'node:os';
import type { BackendName } from '../../engine/backend.js';
import { useBackend } from '../../engine/backend.js';
import { ThreadPool, threadEntry } from '../../util/thread-pool.js';
import type { EncoderReference, SentenceEncoder } from '../sentence-encoder.js';
import { UseEmbedder } from './use-embedder.js';
import { USE_DIMENSION, locateUseFiles, useReference } from './use-files.js';
import type { UseWorkerData } from './use-worker.js';

export interface UseEncoderOptions {
  /** Worker threads; 1 embeds on the calling thread. Default: every core (at most 4). */
  threads?: number;
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
  if (threads <= 1) {
    await useBackend(backend);
    const embedder = await UseEmbedder.load(located.dir);
    // One chunk at a time: interleaving graph calls on one backend gains nothing.
    let queue: Promise<unknown> = Promise.resolve();
    const embedChunk = (chunk: readonly string[]): Promise<Float32Array> => {
      const result = queue.then(() => embedder.embed(chunk));
      queue = result.catch(() => undefined);
      return result;
    };
    return useEncoder(reference, located.parameters, embedChunk, async () => embedder.dispose());
  }
  const data: UseWorkerData = { dir: located.dir, backend };
  const pool = await ThreadPool.start<string[], Float32Array>(threadEntry(import.meta.url, 'use-worker'), threads, data, 'encoder worker');
  return useEncoder(reference, located.parameters, (chunk) => pool.run([...chunk]), () => pool.close());
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
