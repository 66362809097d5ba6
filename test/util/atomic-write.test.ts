/** Durable writes: a file is created once, a replacement is whole, and no temporary file stays behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileAtomically, syncTree, writeFileDurably } from '../../src/util/atomic-write.js';
import { fixtureFolder } from '../helpers/files.js';

test('writeFileDurably creates a file and refuses to overwrite one', async () => {
  const files = fixtureFolder('atomic');
  const file = join(files.dir, 'a.bin');
  await writeFileDurably(file, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(file)], [1, 2, 3]);
  await assert.rejects(writeFileDurably(file, 'again'), (error: NodeJS.ErrnoException) => error.code === 'EEXIST');
  assert.deepEqual([...readFileSync(file)], [1, 2, 3], 'the first content stays');
});

test('replaceFileAtomically replaces the whole file and leaves only it', async () => {
  const files = fixtureFolder('atomic');
  const file = join(files.dir, 'manifest.json');
  writeFileSync(file, '{"old": true}');
  await replaceFileAtomically(file, '{"new": true}\n');
  assert.equal(readFileSync(file, 'utf8'), '{"new": true}\n');
  assert.deepEqual(readdirSync(files.dir), ['manifest.json']);
});

test('syncTree visits nested folders without changing them', async () => {
  const files = fixtureFolder('atomic');
  mkdirSync(join(files.dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(files.dir, 'a', 'b', 'c.txt'), 'c');
  await syncTree(files.dir);
  assert.equal(readFileSync(join(files.dir, 'a', 'b', 'c.txt'), 'utf8'), 'c');
});
