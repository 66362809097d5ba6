import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldlessWarning } from '../../src/cli/fieldless-warning.js';
import { describe as describePrediction } from '../../src/cli/commands/predict.js';

test('titles without any of the model\'s fields are counted and said to be scored from the description alone', () => {
  const fields = ['type', 'country'];
  assert.equal(fieldlessWarning([], [undefined], 'on the command line'), null, 'a description-only model needs no fields');
  assert.equal(fieldlessWarning(fields, [{ country: 'India' }, { type: 'Movie' }], 'in t.csv'), null);
  assert.match(fieldlessWarning(fields, [undefined], 'on the command line')!, /the title has none of them on the command line \(give them with --field NAME=VALUE\): scored from the description alone/);
  assert.match(fieldlessWarning(fields, [{ type: 'Movie' }, { type: ' ' }, { rating: 'PG' }], 'in t.csv')!, /2 of 3 titles have none of them in t\.csv/);
  assert.match(fieldlessWarning(fields, [{}, {}], 'in t.csv')!, /all 2 titles have none/);
  // With the model's own test: a value it drops (unseen in training) leaves the title fieldless too.
  const reads = (f: Record<string, string> | undefined) => f?.country === 'India';
  assert.equal(fieldlessWarning(fields, [{ country: 'India' }], 'in t.csv', reads), null);
  assert.equal(
    fieldlessWarning(fields, [{ country: 'Atlantis' }], 'on the command line', reads),
    'the model reads type, country; the title has no value of them that the model can use on the command line (its values were not seen in training or out of range): scored from the description alone, close to what a model trained with --fields description gives',
  );
  assert.match(fieldlessWarning(fields, [{ country: 'Atlantis' }, {}, { country: 'India' }], 'in t.csv', reads)!, /2 of 3 titles have no value of them that the model can use in t\.csv \(1 of them had values not seen/);
});

test('the human answer says why each genre was removed: the other family, or the cap', () => {
  const rules = { familyField: 'type', families: [{ value: 'Movie', genres: ['Dramas', 'Horror Movies'] }, { value: 'TV Show', genres: ['TV Dramas'] }], unknownFamily: 'total' as const, maxGenres: 1 };
  const prediction = {
    genres: ['Horror Movies'],
    scores: { Dramas: 0, 'Horror Movies': 0.9, 'TV Dramas': 0 },
    removed: ['Dramas', 'TV Dramas'],
    family: { value: 'Movie', given: true },
  };
  const text = describePrediction('A haunted house.', prediction, 3, rules);
  assert.match(text, /removed by the genre rules: TV Dramas \(not Movie genres; type given\); Dramas \(over the cap of 1 genre\)/);
});
