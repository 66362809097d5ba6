import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputFolder } from '../../src/util/output-folder.js';
import { PlotlineError } from '../../src/util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'plotline-output-folder-'));
mkdirSync(join(root, 'existing'));
writeFileSync(join(root, 'a-file'), 'x');

test('an absent folder under existing ones, or an existing folder, can be written', async () => {
  await checkOutputFolder(join(root, 'new', 'deeper', 'model'), '--out');
  await checkOutputFolder(join(root, 'existing'), '--out');
});

test('a file where the folder should be, or above it, is refused before any work, naming it and the option', async () => {
  await assert.rejects(checkOutputFolder(join(root, 'a-file'), '--out'), (error: unknown) => {
    assert.ok(error instanceof PlotlineError);
    assert.equal(error.file, join(root, 'a-file'));
    assert.match(error.message, /not a folder; choose another --out/);
    return true;
  });
  await assert.rejects(checkOutputFolder(join(root, 'a-file', 'model'), '--save-models'), (error: unknown) => {
    assert.ok(error instanceof PlotlineError);
    assert.equal(error.file, join(root, 'a-file'));
    assert.match(error.message, /cannot hold --save-models/);
    return true;
  });
});
