/**
 * Checks, before minutes of work, that a folder can be written at `path` (a model's --out, a
 * report's --out): it is a folder or absent, and its nearest existing ancestor is a folder.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PlotlineError } from './errors.js';

export async function checkOutputFolder(path: string, option: string): Promise<void> {
  const target = resolve(path);
  const existing = await stat(target).catch(() => null);
  if (existing !== null) {
    if (!existing.isDirectory()) throw new PlotlineError(`exists and is not a folder; choose another ${option}`, { file: path });
    return;
  }
  for (let parent = dirname(target); ; parent = dirname(parent)) {
    const found = await stat(parent).catch(() => null);
    if (found !== null) {
      if (!found.isDirectory()) throw new PlotlineError(`cannot hold ${option} ${path}: it is a file, not a folder`, { file: parent });
      return;
    }
    if (dirname(parent) === parent) return;
  }
}
