/**
 * Where Plotline keeps what it can recompute (sentence embeddings today): a per-user cache folder,
 * never inside the project or node_modules, so that every checkout and every model shares it and
 * deleting it only costs time.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The cache folder: `$PLOTLINE_CACHE_DIR` (resolved against the working directory), else
 * `$XDG_CACHE_HOME/plotline`, else `~/.cache/plotline`. Empty variables count as unset, and a
 * relative `$XDG_CACHE_HOME` is ignored, as the XDG Base Directory specification says. `env` is a
 * parameter so tests (and the CLI) can pass their own; the home folder comes from its `HOME` (or
 * `USERPROFILE` on Windows) when set, else from the OS.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.PLOTLINE_CACHE_DIR;
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'plotline');
  const home = env.HOME || env.USERPROFILE || homedir();
  return join(home, '.cache', 'plotline');
}
