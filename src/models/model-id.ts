/**
 * A saved model's id: its kind, "-", and the first 12 hex digits of the sha256 of its manifest.json
 * bytes. The manifest records the weights' training run (data sha256, seed, history, metrics, time), so
 * the id changes whenever the model does. The HTTP API reports it (`GET /v1/model`), and distributed
 * batch scoring puts it on every job so that a worker refuses a shard meant for another model.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readManifest } from './storage.js';
import { MANIFEST_FILE, resolveModelFolder } from './model-folder.js';
import { readFile } from 'node:fs/promises';

/** The id of a model whose manifest has `kind` and these bytes. */
export function modelIdOf(kind: string, manifestBytes: Uint8Array): string {
  return `${kind}-${createHash('sha256').update(manifestBytes).digest('hex').slice(0, 12)}`;
}

/**
 * The id of the model folder `dir`, without loading its weights. Throws PlotlineError (naming
 * manifest.json) when the folder is not a valid model.
 */
export async function readModelId(dir: string): Promise<string> {
  const manifest = await readManifest(dir);
  return modelIdOf(manifest.kind, await readFile(join(await resolveModelFolder(dir), MANIFEST_FILE)));
}
