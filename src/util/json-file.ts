/**
 * Reads and parses a JSON file, turning either failure into a PlotlineError that names the file. What
 * a failure means differs by file (a model folder's manifest, an encoder's config, a compare config),
 * so the caller words it: `readError` gets the errno code (or the error's message when there is none).
 */
import { readFile } from 'node:fs/promises';
import { PlotlineError } from './errors.js';

export interface JsonFileMessages {
  readError(code: string): string;
  /** Default: `is not valid JSON (<parser message>)`. */
  invalid?(detail: string): string;
}

export async function readJsonFile(file: string, messages: JsonFileMessages): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlotlineError(messages.readError((error as NodeJS.ErrnoException).code ?? (error as Error).message), { file });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = (error as Error).message;
    throw new PlotlineError(messages.invalid?.(detail) ?? `is not valid JSON (${detail})`, { file });
  }
}
