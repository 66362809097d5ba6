/**
 * A hidden sibling of `target` to write into before renaming over it: same folder (so the rename is
 * atomic on one filesystem), unique per process and call.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export function temporarySibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}
