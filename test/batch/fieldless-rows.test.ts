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
  assert.deepEqual(watched.found, { count: 3, rows: 4, unusable: 0 });
  assert.match(fieldlessCountWarning(['type', 'country'], 3, 4, 'in t.csv')!, /3 of 4 titles have none of them in t\.csv/);
  const plain = watchFieldlessRows(rowsOf([{}]), []);
  for await (const _ of plain.rows);
  assert.deepEqual(plain.found, { count: 0, rows: 0, unusable: 0 }, 'a description-only model counts nothing');
  assert.equal(fieldlessCountWarning([], 0, 0, 'in t.csv'), null);
});

test('rows whose only values the model cannot use (an unseen category) count as fieldless, as the model scores them', async () => {
  const { FieldVectorizer } = await import('../../src/models/fields/field-vectorizer.js');
  const training = [{ type: 'Movie', country: 'India' }, { type: 'Movie', country: 'India' }, { type: 'TV Show', country: 'France' }, { type: 'TV Show', country: 'France' }];
  const vectorizer = FieldVectorizer.fit(training, ['type', 'country']);
  const reads = (fields: Record<string, string> | undefined) => vectorizer.transform(fields).length > 0;
  const watched = watchFieldlessRows(rowsOf([{ type: 'Movie' }, { country: 'Atlantis' }, { type: 'Cartoon', country: 'Atlantis' }, {}, { country: 'Atlantis', type: 'TV Show' }]), ['type', 'country'], reads);
  for await (const _ of watched.rows);
  assert.deepEqual(watched.found, { count: 3, rows: 5, unusable: 2 });
  const warning = fieldlessCountWarning(['type', 'country'], 3, 5, 'in t.csv', 2)!;
  assert.match(warning, /3 of 5 titles have no value of them that the model can use in t\.csv \(2 of them had values not seen in training or out of range\): scored from the description alone/);
  // Without the model's test, the same rows look fielded (what the warning missed before).
  const naive = watchFieldlessRows(rowsOf([{ country: 'Atlantis' }]), ['type', 'country']);
  for await (const _ of naive.rows);
  assert.equal(naive.found.count, 0);
});
