/** Swaps a fully written folder into place: a saved model, a compare report. */
import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { PlotlineError } from './errors.js';

/**
 * Moves `from` to `to`; an existing `to` is moved aside first and removed only after the swap, so a
 * reader sees the old folder or the new one, never a half-written one or none for longer than a rename.
 */
export async function replaceDirectory(from: string, to: string): Promise<void> {
  const existing = await stat(to).catch(() => null);
  if (existing === null) {
    await rename(from, to);
    return;
  }
  if (!existing.isDirectory()) throw new PlotlineError('exists and is not a folder; choose another output folder', { file: to });
  const aside = `${to}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  await rename(to, aside);
  try {
    await rename(from, to);
  } catch (error) {
    await rename(aside, to); // put the previous folder back rather than leave nothing at `to`
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}
