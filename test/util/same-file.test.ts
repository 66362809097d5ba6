import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { assertNotSameFile } from '../../src/util/same-file.js';
import { PlotlineError } from '../../src/util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'plotline-same-file-'));
const input = join(root, 'catalogue.csv');
writeFileSync(input, 'description\nA heist.\n');
symlinkSync(input, join(root, 'link.csv'));
const names = { inputOption: '--input', outputOption: '--output' };

test('an output that is the input, by its path, a relative path or a symlink, is refused', async () => {
  for (const output of [input, relative(process.cwd(), input), join(root, '.', 'catalogue.csv'), join(root, 'link.csv')]) {
    await assert.rejects(assertNotSameFile(input, output, names), (error: unknown) => {
      assert.ok(error instanceof PlotlineError);
      assert.match(error.message, /--output is the --input file itself/);
      return true;
    });
  }
  assert.equal(readFileSync(input, 'utf8'), 'description\nA heist.\n');
});

test('another file, an absent one, or one in an absent folder is fine', async () => {
  await assertNotSameFile(input, join(root, 'out.jsonl'), names);
  await assertNotSameFile(input, join(root, 'missing', 'out.jsonl'), names);
});
