import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldOptions, unknownFamilyWarning } from '../../../src/cli/commands/predict.js';
import type { GenreRules } from '../../../src/models/genre-rules.js';

const rules: GenreRules = {
  familyField: 'type',
  families: [
    { value: 'Movie', genres: ['Dramas'] },
    { value: 'TV Show', genres: ['TV Dramas'] },
  ],
  unknownFamily: 'total',
  maxGenres: 3,
};

test('--field parses name=value pairs for the fields the model reads', () => {
  assert.deepEqual(parseFieldOptions(['type=TV Show', ' Country = South Korea'], ['type', 'country']), { type: 'TV Show', country: 'South Korea' });
  assert.equal(parseFieldOptions([], ['type']), undefined);
  assert.throws(() => parseFieldOptions(['type'], ['type']), /expects name=value/);
  assert.throws(() => parseFieldOptions(['cast=x'], ['type']), /only type/);
});

test('--field given twice for one field is an error naming both values, not a silent last-wins', () => {
  assert.throws(() => parseFieldOptions(['type=Movie', 'TYPE=TV Show'], ['type']), /--field type is given twice \("Movie" and "TV Show"\)/);
});

test('a family value the model does not know gets a warning that says what happens instead', () => {
  assert.equal(unknownFamilyWarning({ type: 'tv show' }, rules), null);
  assert.equal(unknownFamilyWarning({ country: 'India' }, rules), null);
  assert.equal(unknownFamilyWarning({ type: 'Cartoon' }, null), null);
  const warning = unknownFamilyWarning({ type: 'Cartoon' }, rules);
  assert.match(warning ?? '', /type="Cartoon" is not a type the model knows \(Movie, TV Show\).*rule "total"/);
});
