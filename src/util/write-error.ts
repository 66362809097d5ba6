/**
 * Why an output file could not be created, in words: the folder that does not exist, the folder
 * without write permission, a folder in the way; otherwise the system's error code.
 */
import { dirname, resolve } from 'node:path';
import { PlotlineError } from './errors.js';

/** A PlotlineError naming `output` and the reason `error` (from open/rename) gives. */
export function cannotWriteOutput(error: unknown, output: string): PlotlineError {
  const code = (error as NodeJS.ErrnoException).code;
  const folder = dirname(resolve(output));
  const reason =
    code === 'ENOENT'
      ? `its folder ${folder} does not exist; create it first`
      : code === 'EACCES' || code === 'EPERM'
        ? `no permission to write in ${folder}`
        : code === 'EISDIR'
          ? 'it is a folder; name a file'
          : code === 'ENOTDIR'
            ? `part of ${folder} is a file, not a folder`
            : (code ?? (error as Error).message);
  return new PlotlineError(`cannot write the output: ${reason}`, { file: output });
}
