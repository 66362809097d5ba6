/**
 * Reading a saved `bag` back in its collapsed linear form (linear.json + linear.bin): the manifest's
 * config and encoder validated, the weights read (linear-bag-file.ts) and checked (linear-bag-checks.ts),
 * as a LinearBagModel. Nothing here imports tfjs: a bag opened to score (predict, serve, explain, the
 * scoring threads) never loads it (kind-loaders.ts imports this file when a bag is opened). A folder saved
 * before bags were collapsed holds the tfjs network instead; that one is kinds.ts's to load.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { BagKindConfig } from './bag-config.js';
import { LINEAR_BIN, LINEAR_JSON, readLinearBag } from './linear-bag-file.js';
import { LinearBagModel } from './linear-bag-model.js';
import { checkLinearBag } from './linear-bag-checks.js';
import { vectorizerFromJSON } from '../vectorizers/vectorizer-json.js';
import type { Vectorizer, VectorizerJSON } from '../vectorizers/vectorizer.js';
import { decodeManifestField } from '../manifest.js';
import type { DecisionThresholds, GenreModel } from '../genre-model.js';
import type { LoadContext } from '../kind-families.js';

/**
 * The bag in `dir` (a version folder) as a ready model, or null when `dir` holds no linear.json (a
 * folder saved before the collapsed form: the tfjs network). `config` and `vectorizer` are the
 * manifest's, already validated.
 * @throws PlotlineError naming linear.json / linear.bin when either is unreadable, malformed or holds a
 *   non-finite value, or naming the manifest's `encoder` / `config` field when the rows do not match them.
 */
export async function readLinearBagModel(
  config: Pick<BagKindConfig, 'buckets'>,
  dir: string,
  vectorizer: Vectorizer,
  genres: readonly string[],
  thresholds: DecisionThresholds,
  manifestFile: string,
): Promise<GenreModel | null> {
  const hasLinear = await access(join(dir, LINEAR_JSON)).then(() => true, () => false);
  if (!hasLinear) return null;
  const model = new LinearBagModel(vectorizer, await readLinearBag(dir, genres.length), genres, thresholds);
  checkLinearBag(model.linear, vectorizer, config, join(dir, LINEAR_BIN), manifestFile);
  return model;
}

/**
 * A verified bag folder (storage.ts's `loadModel` context) read in its collapsed form, or null when it
 * holds the tfjs network instead (then kinds.ts's `bag` entry loads it).
 * @throws PlotlineError naming the manifest's `config` or `encoder` field when either is invalid, and
 *   as `readLinearBagModel` for the data files.
 */
export async function openLinearBag({ dataDir, manifest, manifestFile }: Pick<LoadContext, 'dataDir' | 'manifest' | 'manifestFile'>): Promise<GenreModel | null> {
  const config = decodeManifestField(() => BagKindConfig.parse(manifest.config), manifestFile, 'config');
  const vectorizer = decodeManifestField(() => vectorizerFromJSON(manifest.encoder as VectorizerJSON), manifestFile, 'encoder');
  return readLinearBagModel(config, dataDir, vectorizer, manifest.genres, manifest.thresholds, manifestFile);
}
