/** Temporary files of dead writers are removed; those of live ones, and every other name, are kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive, removeStaleTemporaries, writerPid } from '../../src/util/stale-temporaries.js';
import { fixtureFolder } from '../helpers/files.js';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('writerPid reads the pid of temporary names only', () => {
  assert.equal(writerPid('.out.jsonl.tmp-1234-0a1b2c3d'), 1234);
  assert.equal(writerPid('.model.tmp-77-deadbeef'), 77);
  assert.equal(writerPid('out.jsonl'), null);
  assert.equal(writerPid('.out.jsonl.tmp-1234-xyz'), null);
  assert.equal(writerPid('v-1234-0a1b2c3d'), null, 'version folders are the model folder\'s business');
});

test('removeStaleTemporaries removes a dead writer\'s files and folders and keeps the rest', async () => {
  const files = fixtureFolder('stale');
  const dead = deadPid();
  assert.equal(processAlive(dead), false);
  assert.equal(processAlive(process.pid), true);
  const deadFile = `.out.jsonl.tmp-${dead}-0a1b2c3d`;
  const deadFolder = `.model.tmp-${dead}-0a1b2c3e`;
  const liveFile = `.out.jsonl.tmp-${process.pid}-0a1b2c3f`;
  const otherDeadFile = `.other.csv.tmp-${dead}-0a1b2c40`;
  for (const name of [deadFile, liveFile, otherDeadFile, 'out.jsonl', 'notes.txt']) writeFileSync(join(files.dir, name), 'x');
  mkdirSync(join(files.dir, deadFolder));
  writeFileSync(join(files.dir, deadFolder, 'weights.bin'), 'x');

  const onlyOut = await removeStaleTemporaries(files.dir, (name) => name.startsWith('.out.jsonl.tmp-'));
  assert.deepEqual(onlyOut, [deadFile]);
  const rest = await removeStaleTemporaries(files.dir);
  assert.deepEqual(rest.sort(), [deadFolder, otherDeadFile].sort());
  assert.deepEqual(readdirSync(files.dir).sort(), [liveFile, 'notes.txt', 'out.jsonl'].sort());
  assert.deepEqual(await removeStaleTemporaries(join(files.dir, 'missing')), []);
});
