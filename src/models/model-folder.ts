/**
 * What a user may pass as a model: the folder `plotline train --out` wrote, or that folder's
 * manifest.json (the file people tend to point at). Anything else fails saying what exists there
 * and what to pass, before any file inside is read.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { PlotlineError } from '../util/errors.js';

/** The manifest's file name inside a model folder. */
export const MANIFEST_FILE = 'manifest.json';

/**
 * The model folder `path` names: `path` itself when it is a folder, its parent when it is a
 * manifest.json file. Throws a PlotlineError naming `path` when it does not exist, is another file, or
 * cannot be examined (the error code, e.g. EACCES).
 */
export async function resolveModelFolder(path: string): Promise<string> {
  let found;
  try {
    found = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new PlotlineError('no such model folder; expected the folder written by `plotline train --out DIR` (or its manifest.json)', { file: path });
    }
    throw new PlotlineError(`cannot examine the model folder (${code})`, { file: path });
  }
  if (found.isDirectory()) return path;
  if (basename(path) === MANIFEST_FILE) return dirname(path);
  throw new PlotlineError(`is a file, not a model folder; expected the folder written by \`plotline train --out DIR\` (or its ${MANIFEST_FILE})`, { file: path });
}
