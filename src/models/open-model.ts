/**
 * Opening a saved model to score with, the one way the commands (evaluate, predict, explain, export),
 * the server and every scoring thread or queue worker do it: start the tfjs backend, then load the
 * folder (storage.ts's `loadModel`) with the encoder on that backend. tfjs (engine/backend.ts) is imported
 * only when a backend is started: opening a saved bag with `backend: null` never loads it.
 */
import type { BackendName } from '../engine/backend.js';
import { importLazily } from '../util/import-lazily.js';
import type { OpenEncoderOptions } from '../encoders/open-encoder.js';
import { loadModel, readManifest, type EncoderLocation, type SavedModel } from './storage.js';
import { scoresWithoutBackend } from './kind-loaders.js';

export interface OpenModelOptions {
  /**
   * The tfjs backend to score on (default wasm); a use/onnx model's encoder runs there too. null: start
   * none, for a model that scores without tfjs (a saved bag's collapsed form).
   */
  backend?: BackendName | null;
  /**
   * `if-needed`: start `backend` only for a model that needs tfjs (not a saved bag in its collapsed
   * form: kind-loaders.ts's `scoresWithoutBackend`), for a caller that does nothing with tfjs itself
   * (predict, evaluate, explain); `always` (the default) starts it anyway.
   */
  startBackend?: 'always' | 'if-needed';
  /** Where a use/onnx model's encoder is when not where it was trained from (`--encoder`, `--allow-download`). */
  encoder?: EncoderLocation & Omit<OpenEncoderOptions, 'backend'>;
  /** For a use/onnx model: the embedding cache folder (see LoadModelOptions); null or absent: none. */
  embeddingCache?: string | null;
  /** A cache that cannot be used: the model opens without it. */
  onWarning?: (message: string) => void;
}

/**
 * Starts `options.backend` and loads the model at `path` (a model folder or its manifest.json).
 * @throws PlotlineError naming the file and field of whatever is missing, corrupt or inconsistent
 *   (see `loadModel`), or when the backend cannot start.
 */
export async function openModel(path: string, options: OpenModelOptions = {}): Promise<SavedModel> {
  let backend = options.backend === undefined ? 'wasm' : options.backend;
  if (backend !== null && options.startBackend === 'if-needed' && scoresWithoutBackend(await readManifest(path))) backend = null;
  if (backend !== null) await (await importLazily(() => import('../engine/backend.js'), '../engine/backend.js', import.meta.url)).useBackend(backend);
  return loadModel(path, { encoder: { ...options.encoder, ...(backend === null ? {} : { backend }) }, embeddingCache: options.embeddingCache, onWarning: options.onWarning });
}
