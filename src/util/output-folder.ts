/**
 * Checks, before minutes of work, that a folder can be written at `path` (a model's --out, a
 * report's --out): it is a folder or absent, and its nearest existing ancestor is a folder.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
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

/**
 * For a command that replaces its whole output folder (compare's report): refuses an existing folder
 * that holds anything but an earlier output of that command (recognised by `marker`, e.g.
 * report.json), so that `--out .` or `--out ~/results` never deletes a user's files.
 * @throws PlotlineError naming the folder and a few of the entries it would delete.
 */
export async function checkReplaceableFolder(path: string, option: string, marker: string): Promise<void> {
  const entries = await readdir(resolve(path)).catch(() => null);
  if (entries === null || entries.length === 0 || entries.includes(marker)) return;
  const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, ... (${entries.length} entries)` : '');
  throw new PlotlineError(`${option} is replaced as a whole, and this folder holds other files (${shown}) and no ${marker} of an earlier run; choose a new or empty folder`, { file: path });
}

/**
 * Refuses two output folders of which one is, or lies inside, the other (compare's --out and
 * --save-models: replacing the report folder would delete the models saved in it).
 * @throws PlotlineError naming both options.
 */
export function checkSeparateFolders(a: string, optionA: string, b: string, optionB: string): void {
  const [x, y] = [resolve(a), resolve(b)];
  const inside = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
  if (inside(x, y) || inside(y, x)) throw new PlotlineError(`${optionA} ${a} and ${optionB} ${b} overlap: writing one would replace the other; choose folders side by side`);
}
