import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cannotWriteOutput } from '../../src/util/write-error.js';

const root = mkdtempSync(join(tmpdir(), 'plotline-write-error-'));

test('an output in a folder that does not exist says so, naming the folder and the file', async () => {
  const output = join(root, 'missing', 'out.jsonl');
  const error = await open(output, 'wx').then(
    () => assert.fail('opened'),
    (e: unknown) => e,
  );
  const message = cannotWriteOutput(error, output).message;
  assert.match(message, /cannot write the output: its folder .*missing does not exist; create it first/);
  assert.ok(message.includes(output));
});

test('an output that is a folder says to name a file', async () => {
  mkdirSync(join(root, 'dir'));
  const error = await open(join(root, 'dir'), 'w').then(
    () => assert.fail('opened'),
    (e: unknown) => e,
  );
  assert.match(cannotWriteOutput(error, join(root, 'dir')).message, /it is a folder; name a file/);
});
