import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchInputRows } from '../../src/batch/input-checks.js';
import type { PredictionInputRow } from '../../src/data/prediction-input.js';
import type { GenreRules } from '../../src/models/genre-rules.js';

const rules: GenreRules = { familyField: 'type', families: [{ value: 'Movie', genres: ['Dramas'] }, { value: 'TV Show', genres: ['Kids\' TV'] }], unknownFamily: 'total', maxGenres: 3 };

async function* rowsOf(rows: PredictionInputRow[]): AsyncGenerator<PredictionInputRow> {
  yield* rows;
}

test('every row check at once: rows pass unchanged and in order, and each finding is counted', async () => {
  const rows: PredictionInputRow[] = [
    { id: 'a', text: 'one', fields: { type: 'Movie', release_year: 'abc' }, line: 2 },
    { id: 'b', text: 'two', fields: { type: 'Cartoon' }, line: 3 },
    { id: 'a', text: 'three', line: 4 },
    { id: '4', text: 'four', fields: { type: 'Movie' }, line: 5, blankId: 'show_id' },
  ];
  const check = (fields: Record<string, string> | undefined) =>
    fields?.release_year === 'abc' ? [{ field: 'release_year', value: 'abc', reason: 'not a number' as const, expected: 'a year' }] : [];
  const { rows: out, found } = watchInputRows(rowsOf(rows), ['type', 'release_year'], rules, check);
  const seen: PredictionInputRow[] = [];
  for await (const row of out) seen.push(row);
  assert.deepEqual(seen, rows);
  assert.deepEqual(found.fieldless, { count: 1, rows: 4, unusable: 0 });
  assert.deepEqual(found.unknownFamilies, { count: 1, lines: [3], values: ['Cartoon'] });
  assert.equal([...found.fieldValues.values()][0]?.line, 2);
  assert.equal(found.duplicateIds.count, 1);
  assert.deepEqual(found.blankIds, { count: 1, lines: [5], column: 'show_id' });
});
