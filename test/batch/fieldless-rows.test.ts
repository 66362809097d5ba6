import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchFieldlessRows } from '../../src/batch/fieldless-rows.js';
import { fieldlessCountWarning } from '../../src/cli/fieldless-warning.js';
import type { PredictionInputRow } from '../../src/data/prediction-input.js';

async function* rowsOf(fields: (Record<string, string> | undefined)[]): AsyncGenerator<PredictionInputRow> {
  let line = 1;
  for (const f of fields) yield { id: String(line), text: 'A heist.', line: ++line, fields: f } as unknown as PredictionInputRow;
}

test('rows with none of the model\'s fields are counted, every row passes through, and the warning says how many', async () => {
  const watched = watchFieldlessRows(rowsOf([{ type: 'Movie' }, {}, { type: ' ', country: '' }, undefined]), ['type', 'country']);
  let passed = 0;
  for await (const _ of watched.rows) passed += 1;
  assert.equal(passed, 4);
  assert.deepEqual(watched.found, { count: 3, rows: 4 });
  assert.match(fieldlessCountWarning(['type', 'country'], 3, 4, 'in t.csv')!, /3 of 4 titles have none of them in t\.csv/);
  const plain = watchFieldlessRows(rowsOf([{}]), []);
  for await (const _ of plain.rows);
  assert.deepEqual(plain.found, { count: 0, rows: 0 }, 'a description-only model counts nothing');
  assert.equal(fieldlessCountWarning([], 0, 0, 'in t.csv'), null);
});
