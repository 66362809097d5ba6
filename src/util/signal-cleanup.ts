/**
 * Temporary files removed when the process is interrupted. A run stopped with Ctrl-C (SIGINT) or
 * `kill` (SIGTERM) while it writes `.OUT.tmp-<pid>-<hex>` would otherwise leave it until the next run
 * beside it (stale-temporaries.ts); registered here, it is removed at once and the process exits with
 * the shell's usual status for the signal, 128 + its number (SIGINT 130, SIGTERM 143). The final file
 * is never touched: it is only ever replaced by a rename of a complete temporary file.
 *
 * Only SIGINT and SIGTERM: SIGKILL (and a power cut) cannot be caught, and stay the job of
 * stale-temporaries.ts.
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

const pending = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of pending) rmSync(path, { force: true });
  pending.clear();
  process.exit(128 + constants.signals[signal]);
}

/**
 * Removes `path` (a temporary file being written) if SIGINT or SIGTERM arrives before the returned
 * function is called, then exits with 130 / 143. Call the returned function once the file is renamed
 * into place or removed; the handlers go away with the last registered path.
 */
export function removeOnSignal(path: string): () => void {
  if (pending.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  pending.add(path);
  return () => {
    if (!pending.delete(path)) return;
    if (pending.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
