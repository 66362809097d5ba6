/**
 * How a saved model of each kind is read back (storage.ts's `loadModel` asks this table): one entry per
 * kind, each importing its code with a dynamic `import()` only when a model of that kind is opened (the
 * pattern of transformers.js's model registry). Opening a saved `bag` (its collapsed linear form,
 * bag/bag-loader.ts) or an ensemble of bags therefore never imports tfjs, its wasm backend, ONNX Runtime
 * or the training code, which the other kinds' entries (kinds.ts) bring in; nor does opening a `use` or
 * `onnx` model (encoder-head/head-loader.ts: its head read without tfjs, its encoder in ONNX Runtime); a bag folder saved before
 * the collapsed form (the tfjs network) falls back to kinds.ts too. Which modules a bag load imports
 * is tested (test/models/kind-loaders.test.ts).
 */
import type { GenreModel } from './genre-model.js';
import type { Manifest } from './manifest.js';
import { LINEAR_BIN } from './bag/linear-bag-file.js';
import { KIND_FAMILIES, type LoadContext } from './kind-families.js';
import { importLazily } from '../util/import-lazily.js';

/** Reads a verified model folder of one kind back as a model (see KindBase.load in kinds.ts). */
export type KindLoader = (context: LoadContext) => Promise<GenreModel>;

/** The full registry's loader (kinds.ts, which imports tfjs and every network). */
const fromRegistry =
  (name: keyof typeof KIND_FAMILIES): KindLoader =>
  async (context) =>
    (await importLazily(() => import('./kinds.js'), './kinds.js', import.meta.url)).KINDS[name].load(context);

/** Every kind's loader, by name (the names of kind-families.ts). */
export const KIND_LOADERS: Record<keyof typeof KIND_FAMILIES, KindLoader> = {
  cnn: fromRegistry('cnn'),
  bilstm: fromRegistry('bilstm'),
  bag: async (context) => (await (await importLazily(() => import('./bag/bag-loader.js'), './bag/bag-loader.js', import.meta.url)).openLinearBag(context)) ?? (await fromRegistry('bag')(context)),
  // An encoder + head model opens its head from its saved weights without tfjs (encoder-head/head-loader.ts).
  use: async (context) => (await importLazily(() => import('./encoder-head/head-loader.js'), './encoder-head/head-loader.js', import.meta.url)).loadEncoderHead(context),
  onnx: async (context) => (await importLazily(() => import('./encoder-head/head-loader.js'), './encoder-head/head-loader.js', import.meta.url)).loadEncoderHead(context),
  // An ensemble is its members' loads (each through this table) and a weighted mean: no tfjs of its own.
  ensemble: async ({ dir, dataDir, manifest, loadMember }) => (await importLazily(() => import('./ensemble/ensemble-storage.js'), './ensemble/ensemble-storage.js', import.meta.url)).loadEnsemble(dir, manifest, loadMember, dataDir),
};

/**
 * Whether the model a manifest describes loads and scores without tfjs, so that no backend need be
 * started for it: a `bag` saved in its collapsed linear form (linear.bin), and an encoder + head model
 * (`use`, `onnx`: its head is scored from its saved weights, its encoder runs in ONNX Runtime), each
 * with or without its catalogue-field part (the field model is plain JavaScript too).
 */
export function scoresWithoutBackend(manifest: Pick<Manifest, 'kind' | 'files'>): boolean {
  if (manifest.kind === 'use' || manifest.kind === 'onnx') return true;
  const files = Object.keys(manifest.files ?? {});
  return manifest.kind === 'bag' && files.some((f) => f === LINEAR_BIN || f.endsWith(`/${LINEAR_BIN}`));
}

/**
 * The loader of the kind named `name`, or undefined for an unknown name (readManifest has already
 * refused one by then).
 */
export function kindLoader(name: string): KindLoader | undefined {
  return Object.hasOwn(KIND_LOADERS, name) ? KIND_LOADERS[name as keyof typeof KIND_LOADERS] : undefined;
}
