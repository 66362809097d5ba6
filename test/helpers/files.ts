/** Shared by the file-reading tests: a temporary fixture folder, and checking for a user-facing error. */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlotlineError } from '../../src/util/errors.js';

export type FixtureWriter = ((name: string, content: string) => string) & { dir: string };

/** A fresh temporary folder (removed after the test file) and a writer of named fixtures in it. */
export function fixtureFolder(prefix: string): FixtureWriter {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `plotline-${prefix}-`));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  return Object.assign(write, { dir });
}

/** Asserts that `promise` rejects with a PlotlineError and returns it for further checks. */
export async function rejectsWith(promise: Promise<unknown>): Promise<PlotlineError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PlotlineError, `expected a PlotlineError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the promise to reject');
}
