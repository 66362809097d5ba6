import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateIdsWarning, watchDuplicateIds } from '../../src/batch/duplicate-ids.js';
import type { PredictionInputRow } from '../../src/data/prediction-input.js';

async function* rowsOf(ids: string[]): AsyncGenerator<PredictionInputRow> {
  for (const [i, id] of ids.entries()) yield { id, text: 'x', line: i + 2 };
}

async function watch(ids: string[], limit?: number) {
  const { rows, found } = watchDuplicateIds(rowsOf(ids), limit);
  const passed: string[] = [];
  for await (const row of rows) passed.push(row.id);
  return { passed, found };
}

test('rows pass through unchanged; repeats are counted with the first repeat and its earlier line', async () => {
  const { passed, found } = await watch(['1', '2', '1', '3', '1', '2']);
  assert.deepEqual(passed, ['1', '2', '1', '3', '1', '2']);
  assert.deepEqual(found, { count: 3, first: { id: '1', line: 4, firstLine: 2 }, limitReached: false });
  assert.match(duplicateIdsWarning(found, 'in.csv')!, /^3 row\(s\) of in\.csv repeat an earlier id \(first: id "1" on line 4, already on line 2\); every row is scored/);
  assert.equal(duplicateIdsWarning((await watch(['1', '2'])).found, 'in.csv'), null);
});

test('past the limit of distinct ids the check stops, and the warning says so', async () => {
  const { passed, found } = await watch(['1', '2', '3', '1'], 2);
  assert.equal(passed.length, 4);
  assert.equal(found.limitReached, true);
  assert.match(duplicateIdsWarning(found, 'in.csv')!, /checked for repeats only among the first/);
});
