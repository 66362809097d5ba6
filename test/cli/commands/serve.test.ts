/**
 * `plotline serve` with a model it cannot use fails with one `error:` line and exit 1, with no stack
 * trace anywhere (the CLI is run as a child process, as a user runs it).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveTinyModel } from '../../models/fixtures.js';
import { fixtureFolder } from '../../helpers/files.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const files = fixtureFolder('serve-cli');
const damaged = join(files.dir, 'damaged');

before(async () => {
  await saveTinyModel(damaged);
  // One weight file changed after saving: its sha256 no longer matches the manifest's.
  const version = readdirSync(damaged).find((name) => name.startsWith('v-'))!;
  const weights = readdirSync(join(damaged, version)).find((name) => name.endsWith('.bin'))!;
  appendFileSync(join(damaged, version, weights), Buffer.from([1, 2, 3, 4]));
});

const serve = (model: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--model', model, '--port', '0', '--scoring-threads', '0'], { encoding: 'utf8', timeout: 60_000 });

test('serve --model /missing: one error line naming the folder, exit 1, nothing logged and no stack trace', () => {
  const run = serve(join(files.dir, 'missing'));
  assert.equal(run.status, 1, run.stderr);
  assert.equal(run.stdout, '', 'nothing listened, nothing logged');
  assert.deepEqual(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, /^error: .*missing: no such model folder/);
});

test('serve --model with a damaged file: the load failure is logged without a stack trace, then one error line, exit 1', () => {
  const run = serve(damaged);
  assert.equal(run.status, 1, run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at |"stack"/, 'no stack trace');
  assert.match(run.stdout, /"msg":"model failed to load"/);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, /^error: .*sha256/);
});
