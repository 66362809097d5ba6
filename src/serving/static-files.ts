/**
 * The web page's files, read from the repository's `web/` folder. A handful of small files does not
 * need a static-file plugin: each request reads one file, after checking that the resolved path stays
 * inside the folder (so `/static/../package.json` and its percent-encoded forms are refused).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from './errors.js';

/**
 * `web/` at the repository root. Resolved from this module's URL, which is two levels below the root
 * both as `src/serving/static-files.ts` (tsx) and as `dist/serving/static-files.js` (built).
 */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface WebFile {
  body: Buffer;
  contentType: string;
}

/**
 * Reads `relative` (a path below the web folder, as it came from the URL, already percent-decoded).
 * Throws HttpError 400 for a path that leaves the folder and 404 for a file that does not exist.
 */
export async function readWebFile(webRoot: string, relative: string): Promise<WebFile> {
  const root = resolve(webRoot);
  if (relative.includes('\0')) throw new HttpError(400, 'invalid_path', 'the path contains a NUL character');
  const file = resolve(root, relative);
  if (!file.startsWith(root + sep)) throw new HttpError(400, 'invalid_path', 'the path leads outside the web folder');
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) {
    throw new HttpError(404, 'not_found', relative === 'index.html' ? 'the web page is not installed (web/index.html is missing)' : 'no such web file');
  }
  return { body: await readFile(file), contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}
