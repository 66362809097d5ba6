/**
 * Downloading one file whose bytes are known in advance (a pinned sha256): try each mirror in turn,
 * stream into a hidden temporary sibling of the target while hashing, fsync, check the sha256 and
 * only then rename into place. A reader therefore sees the verified file or no file, never a partial
 * or tampered one, and a failed download leaves nothing behind (not even the folders it made). Uses Node's built-in `fetch`.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PlotlineError } from './errors.js';
import { temporarySibling } from './temporary-path.js';

export interface VerifiedDownloadOptions {
  /** Expected sha256 of the file's bytes, lower-case hex. */
  sha256: string;
  /** Expected size in bytes: a response longer than this is cut off and refused (and the size is named in errors). */
  bytes?: number;
  /** Time allowed for one URL, request and body together, in milliseconds (default 300,000). */
  timeoutMs?: number;
  /** The fetch to use (default: Node's global `fetch`). */
  fetch?: typeof fetch;
  /** Called before each URL is tried. */
  onAttempt?: (url: string) => void;
}

/** Why one URL did not give the file; a checksum mismatch keeps what was got. */
class AttemptFailed extends Error {}

/**
 * Downloads the file from the first of `urls` that serves the expected bytes and moves it to
 * `target` (its folder is created). Returns the URL that served it. Throws a PlotlineError naming
 * `target` and, for every URL tried, why it failed (HTTP status, network error, timeout, or
 * "sha256 mismatch: expected X, got Y"); nothing is left at `target` or beside it then.
 */
export async function downloadVerified(urls: readonly string[], target: string, options: VerifiedDownloadOptions): Promise<string> {
  if (urls.length === 0) throw new PlotlineError('no URL to download from', { file: target });
  const created = await mkdir(dirname(target), { recursive: true });
  const failures: string[] = [];
  for (const url of urls) {
    options.onAttempt?.(url);
    const temporary = temporarySibling(target);
    try {
      await fetchInto(url, temporary, options);
      await rename(temporary, target);
      await syncFolder(dirname(target));
      return url;
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      failures.push(`${url}: ${error.message}`);
    } finally {
      await rm(temporary, { force: true });
    }
  }
  if (created !== undefined) await removeEmptyFolders(dirname(target), created);
  throw new PlotlineError(`download failed from every URL (${urls.length}):\n  ${failures.join('\n  ')}`, { file: target });
}

/** Streams `url` into `file` (created, never overwritten), hashing as it goes; fsyncs; checks the sha256. */
async function fetchInto(url: string, file: string, options: VerifiedDownloadOptions): Promise<void> {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 300_000;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw new AttemptFailed(networkMessage(error, timeoutMs));
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw new AttemptFailed(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const hash = createHash('sha256');
  let size = 0;
  const handle = await open(file, 'wx');
  try {
    const reader = response.body.getReader();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw new AttemptFailed(networkMessage(error, timeoutMs));
        }
        if (chunk.done) break;
        size += chunk.value.byteLength;
        if (options.bytes !== undefined && size > options.bytes) {
          throw new AttemptFailed(`the response is longer than the expected ${options.bytes} bytes; refused`);
        }
        hash.update(chunk.value);
        await handle.write(chunk.value);
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  const got = hash.digest('hex');
  if (got !== options.sha256) {
    const sizes = options.bytes === undefined ? ` (${size} bytes)` : ` (${size} bytes; expected ${options.bytes})`;
    throw new AttemptFailed(`sha256 mismatch: expected ${options.sha256}, got ${got}${sizes}; refused`);
  }
}

function networkMessage(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs / 1000} s`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}

/** Removes `folder` and its parents up to `top` (the first folder this download created), each only if empty. */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  for (let current = folder; ; current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (another process uses it) or already gone
    }
    if (current === top || dirname(current) === current) return;
  }
}

/** Makes the rename durable (POSIX); folders cannot be opened for fsync everywhere (Windows), so failures are ignored. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
