/**
 * Shard files on shared storage: rows written and read back whole (fields included); a corrupt or
 * short rows file fails naming the file and line; results are written atomically (no temporary file
 * left, an existing result replaced by the new bytes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readShardRows, shardPaths, writeShardOutput, writeShardRows } from '../../src/distributed/shard-files.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const files = fixtureFolder('shard-files');

test('rows round-trip whole, fields included, in order', async () => {
  const { rows: path } = shardPaths(files.dir, 3);
  assert.match(path, /shard-000003\.rows\.jsonl$/);
  const rows = [
    { id: 'a', text: 'A "quoted"\ntext', line: 2 },
    { id: 'b', text: 'Ünïcödé ✓', line: 5, fields: { type: 'Movie', country: 'France' } },
  ];
  await writeShardRows(path, rows);
  assert.deepEqual(await readShardRows(path, 2), rows);
});

test('a corrupt or short rows file fails naming the file and line', async () => {
  const path = join(files.dir, 'bad.rows.jsonl');
  writeFileSync(path, '{"id":"a","text":"x","line":1}\n{"id":"b","text":7,"line":2}\n');
  let error = await rejectsWith(readShardRows(path, 2));
  assert.match(error.message, /bad\.rows\.jsonl, line 2: expected a row \{"id": string, "text": string, "line": number/);
  writeFileSync(path, '{"id":"a","text":"x","line":1}\nnot json\n');
  error = await rejectsWith(readShardRows(path, 2));
  assert.match(error.message, /line 2: not valid JSON/);
  writeFileSync(path, '{"id":"a","text":"x","line":1}\n');
  error = await rejectsWith(readShardRows(path, 2));
  assert.match(error.message, /holds 1 rows, the job says 2/);
  error = await rejectsWith(readShardRows(join(files.dir, 'absent.jsonl'), 1));
  assert.match(error.message, /absent\.jsonl: cannot read the shard's rows \(ENOENT\); do the coordinator and this worker see the same storage\?/);
});

test('results are written atomically and replace an earlier result', async () => {
  const { output } = shardPaths(files.dir, 0);
  await writeShardOutput(output, 'first\n');
  await writeShardOutput(output, 'second\n');
  assert.equal(readFileSync(output, 'utf8'), 'second\n');
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.includes('.tmp-')), []);
  const error = await rejectsWith(writeShardOutput(join(files.dir, 'missing-folder', 'x.jsonl'), 'x'));
  assert.match(error.message, /cannot write the shard's result \(ENOENT\)/);
});
