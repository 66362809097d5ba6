/**
 * Removes what crashed runs left behind. Every temporary name Plotline writes carries the id of the
 * process that writes it (`.NAME.tmp-<pid>-<hex>`, see temporary-path.ts): an entry whose process no longer runs can never be completed, so
 * the next run that writes into the same folder removes it. Entries of live processes (another save
 * running right now) are left alone.
 *
 * Limit: after a reboot a dead writer's pid may belong to an unrelated live process; its leftovers then
 * stay until that pid is free again.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** `.NAME.tmp-<pid>-<8 hex>` (temporarySibling). */
const WRITER_PID = /^\..*\.tmp-(\d+)-[0-9a-f]{8}$/;

/** The pid encoded in a temporary name, or null for any other name. */
export function writerPid(name: string): number | null {
  const match = WRITER_PID.exec(name);
  return match === null ? null : Number(match[1]);
}

/** True when a process with this pid runs (kill(pid, 0) succeeds or is refused for permission). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the entries of `dir` named by a dead process (and accepted by `only`, default all such
 * names). Returns the names removed. A missing `dir` removes nothing.
 */
export async function removeStaleTemporaries(dir: string, only: (name: string) => boolean = () => true): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = writerPid(name);
    if (pid === null || !only(name) || processAlive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
