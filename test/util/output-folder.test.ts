import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputFolder, checkReplaceableFolder, checkSeparateFolders } from '../../src/util/output-folder.js';
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

test('a folder replaced as a whole must be new, empty, or an earlier output (its marker file there)', async () => {
  const user = join(root, 'user-files');
  mkdirSync(join(user, 'sub'), { recursive: true });
  writeFileSync(join(user, 'notes.txt'), 'keep');
  await assert.rejects(checkReplaceableFolder(user, '--out', 'report.json'), (error: unknown) => {
    assert.ok(error instanceof PlotlineError);
    assert.equal(error.file, user);
    assert.match(error.message, /--out is replaced as a whole.*notes\.txt.*no report\.json/);
    return true;
  });
  const earlier = join(root, 'earlier-report');
  mkdirSync(earlier);
  writeFileSync(join(earlier, 'report.json'), '{}');
  writeFileSync(join(earlier, 'report.md'), '');
  await checkReplaceableFolder(earlier, '--out', 'report.json');
  mkdirSync(join(root, 'empty'));
  await checkReplaceableFolder(join(root, 'empty'), '--out', 'report.json');
  await checkReplaceableFolder(join(root, 'absent'), '--out', 'report.json');
});

test('two output folders may not be one inside the other (or the same)', () => {
  const overlap = /--out .* and --save-models .* overlap/;
  assert.throws(() => checkSeparateFolders('r', '--out', 'r', '--save-models'), overlap);
  assert.throws(() => checkSeparateFolders('r', '--out', 'r/models', '--save-models'), overlap);
  assert.throws(() => checkSeparateFolders('r/report', '--out', 'r/', '--save-models'), overlap);
  checkSeparateFolders('r/report', '--out', 'r/models', '--save-models');
  checkSeparateFolders('r/report', '--out', 'r/report-models', '--save-models');
});
