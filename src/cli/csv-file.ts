/**
 * A quick look, before a CSV reader runs, at whether a file given as CSV (`--data`, `--split`,
 * `predict --input` without a .jsonl/.ndjson name) is JSON instead, which the CSV parser would
 * report as a puzzling "stray quote" on some line. Reads only the first few bytes; a file that cannot
 * be read is left to the reader, which names the problem.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { PlotlineError } from '../util/errors.js';

const PEEK_BYTES = 512;

/** The first non-blank character of `path` (after a UTF-8 BOM), or null if unreadable or blank. */
async function firstCharacter(path: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text === '' ? null : text[0];
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Throws a PlotlineError naming `path` and `option` when the file given as a CSV looks like JSON (its
 * first character is `{` or `[`, or its name ends in .json/.jsonl/.ndjson), saying what was expected.
 * `jsonLinesHint`: for inputs that also take JSON Lines, say how to have it read as such.
 */
export async function assertNotJson(path: string, option: string, expected: string, jsonLinesHint = false): Promise<void> {
  const ext = extname(path).toLowerCase();
  const first = await firstCharacter(path);
  const byName = ext === '.json' || ext === '.jsonl' || ext === '.ndjson';
  if (!byName && first !== '{' && first !== '[') return;
  const evidence = first === '{' || first === '[' ? `it starts with "${first}"` : `it is named ${ext}`;
  const hint = jsonLinesHint ? '; for JSON Lines (one {"id", "description"} object per line) name the file .jsonl' : '';
  throw new PlotlineError(`looks like JSON (${evidence}), not CSV; ${option} takes ${expected}${hint}`, { file: path });
}
