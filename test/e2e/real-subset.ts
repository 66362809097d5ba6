/**
 * The end-to-end suites' data: the first titles of the real catalogue (../shared/data, which CI clones
 * beside the repo) with the standard split's folds, written as a user's files would be.
 */
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export const SHARED_DATA = resolve('../shared/data');
/** False when the data is there; otherwise why the suite skips. */
export const skipWithoutSharedData: false | string = existsSync(join(SHARED_DATA, 'netflix_titles.csv'))
  ? false
  : `shared data not found at ${SHARED_DATA}; the end-to-end suite needs it`;

/** Writes the first `count` titles (CRLF CSV, as the release) to `dataFile` and their folds to `splitFile`. */
export function writeRealSubset(dataFile: string, splitFile: string, count = 300): Record<string, string>[] {
  const rows = parse(readFileSync(join(SHARED_DATA, 'netflix_titles.csv')), { columns: true, bom: true }) as Record<string, string>[];
  const subset = rows.slice(0, count);
  writeFileSync(dataFile, stringify(subset, { header: true, record_delimiter: '\r\n' }));
  const folds = new Map((parse(readFileSync(join(SHARED_DATA, 'split.csv')), { columns: true }) as { show_id: string; fold: string }[]).map((r) => [r.show_id, r.fold]));
  writeFileSync(splitFile, 'show_id,fold\n' + subset.map((r) => `${r.show_id},${folds.get(r.show_id)}`).join('\n') + '\n');
  return subset;
}

/** The built CLI every end-to-end suite drives. */
export const BUILT_CLI = resolve('dist/cli/main.js');

const run = promisify(execFile);

/** Runs the built CLI with `args` (CI=true: no progress bars); its output and exit code, never a throw. */
export async function runBuiltCli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BUILT_CLI, ...args], { env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/**
 * Registers a suite's set-up and clean-up: unless skipping, the CLI must be built and the subset is
 * written to `dataFile` / `splitFile`, then `prepare` runs; `work` is removed afterwards.
 */
export function realSubsetSuite(files: { work: string; dataFile: string; splitFile: string }, prepare: () => void = () => {}): void {
  after(() => rmSync(files.work, { recursive: true, force: true }));
  before(() => {
    if (skipWithoutSharedData) return;
    assert.ok(existsSync(BUILT_CLI), `build first (npm run build): ${BUILT_CLI} is missing`);
    writeRealSubset(files.dataFile, files.splitFile);
    prepare();
  });
}
