/**
 * Refuses an output path that names the input file itself (directly, through a symlink, or by a
 * relative path): writing predictions over the catalogue they are read from would destroy it.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PlotlineError } from './errors.js';

/** The path a file is (or would be) at once symlinks in it are resolved; the path itself when its folder does not exist. */
async function canonical(path: string): Promise<string> {
  const whole = await realpath(path).catch(() => null);
  if (whole !== null) return whole;
  const folder = await realpath(dirname(resolve(path))).catch(() => null);
  return folder === null ? resolve(path) : join(folder, basename(path));
}

/**
 * @throws PlotlineError naming the output when it is the input file.
 */
export async function assertNotSameFile(input: string, output: string, options: { inputOption: string; outputOption: string }): Promise<void> {
  if ((await canonical(input)) === (await canonical(output))) {
    throw new PlotlineError(`${options.outputOption} is the ${options.inputOption} file itself; writing it would replace the input: choose another ${options.outputOption}`, { file: output });
  }
}
