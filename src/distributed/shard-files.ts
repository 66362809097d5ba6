/**
 * The files a distributed scoring run keeps on shared storage, in one work folder per run: each
 * shard's input rows (`shard-000001.rows.jsonl`, written by the coordinator) and each shard's result
 * (`shard-000001.out.jsonl`, written by whichever worker scored it). Results are written to a
 * temporary sibling and renamed, so a worker killed mid-shard leaves no partial result, and a shard
 * scored twice (after a worker was wrongly thought dead) is replaced by identical bytes.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PredictionInputRow } from '../data/prediction-input.js';
import { PlotlineError } from '../util/errors.js';
import { temporarySibling } from '../util/temporary-path.js';

/** Paths of shard `shard`'s rows and result in `workDir`. */
export function shardPaths(workDir: string, shard: number): { rows: string; output: string } {
  const name = `shard-${String(shard).padStart(6, '0')}`;
  return { rows: join(workDir, `${name}.rows.jsonl`), output: join(workDir, `${name}.out.jsonl`) };
}

/** Writes a shard's rows as JSON Lines, each row whole (id, text, line, and its catalogue fields if any). */
export async function writeShardRows(path: string, rows: readonly PredictionInputRow[]): Promise<void> {
  await writeFile(path, rows.map((row) => JSON.stringify(row)).join('\n') + '\n', { flag: 'wx' });
}

/**
 * Reads a shard's rows back. Throws PlotlineError naming the file and line when it is missing or a
 * line is not a row ({id: string, text: string, line: number}), or when it holds other than `count` rows.
 */
export async function readShardRows(path: string, count: number): Promise<PredictionInputRow[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new PlotlineError(`cannot read the shard's rows (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); do the coordinator and this worker see the same storage?`, { file: path });
  }
  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rows = lines.map((line, i): PredictionInputRow => {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new PlotlineError('not valid JSON (expected a row {"id", "text", "line"})', { file: path, line: i + 1 });
    }
    const r = row as Partial<PredictionInputRow> | null;
    if (r === null || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.text !== 'string' || typeof r.line !== 'number' || (r.fields !== undefined && (typeof r.fields !== 'object' || r.fields === null))) {
      throw new PlotlineError('expected a row {"id": string, "text": string, "line": number, "fields"?: object}', { file: path, line: i + 1 });
    }
    return r as PredictionInputRow;
  });
  if (rows.length !== count) throw new PlotlineError(`holds ${rows.length} rows, the job says ${count}`, { file: path });
  return rows;
}

/** Writes a shard's result atomically: to a temporary sibling, then renamed into place. */
export async function writeShardOutput(path: string, content: string): Promise<void> {
  const temporary = temporarySibling(path);
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new PlotlineError(`cannot write the shard's result (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path });
  }
}
