/**
 * Durable, atomic file-system steps for everything Plotline writes that a crash must not damage (model
 * folders, `predict --output`): data is fsynced before it is renamed into place, and the folder that
 * holds the rename is fsynced after it, so after a crash a name points at either the complete old
 * content or the complete new content (POSIX rename(2) replaces a file atomically; fsync of the
 * folder makes the rename itself survive a power cut, per fsync(2) on Linux).
 */
import { open, readdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { faultPoint } from './fault-injection.js';
import { temporarySibling } from './temporary-path.js';

/** fsync(2) of a folder, so the names created, renamed or removed in it are on disk. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `file` (it must not exist), writes `data`, fsyncs and closes it. */
export async function writeFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    faultPoint(`wrote ${file}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs every file and folder under `dir` (and `dir` itself): for trees copied with fs.cp. */
export async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) {
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
  await syncFolder(dir);
}

/** rename(2) of `from` over `to` (same folder), then fsync of that folder. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  faultPoint(`renamed ${from}`);
  await syncFolder(dirname(to));
}

/**
 * Replaces the file `target` with `data` atomically: written to a temporary sibling, fsynced, renamed
 * over `target`, folder fsynced. A reader (or a crash) sees the old file or the new one, never a mix.
 */
export async function replaceFileAtomically(target: string, data: Uint8Array | string): Promise<void> {
  const temporary = temporarySibling(target);
  await writeFileDurably(temporary, data);
  faultPoint(`synced ${temporary}`);
  await renameDurably(temporary, target);
}
