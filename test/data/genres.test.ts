import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenreVocabulary } from '../../src/data/genres.js';
import { compareCodePoints } from '../../src/util/strings.js';
import { PlotlineError } from '../../src/util/errors.js';

const titles = [
  { genres: ['TV Shows', 'Dramas'] },
  { genres: ['Comedies'] },
  { genres: ['TV Sci-Fi & Fantasy', 'Dramas', 'Kids\' TV'] },
  { genres: [] },
];

test('genres are sorted by code point, whatever the order of the titles', () => {
  const vocab = GenreVocabulary.fromTitles(titles);
  assert.deepEqual(vocab.genres, ['Comedies', 'Dramas', "Kids' TV", 'TV Sci-Fi & Fantasy', 'TV Shows']);
  assert.equal(vocab.size, 5);
  const reversed = GenreVocabulary.fromTitles([...titles].reverse().map((t) => ({ genres: [...t.genres].reverse() })));
  assert.deepEqual(reversed.genres, vocab.genres);
  // Upper case sorts before lower case, and astral characters after every BMP character.
  assert.deepEqual(GenreVocabulary.fromTitles([{ genres: ['b', 'B', '\u{1F3AC}', '\uFF21', 'a'] }]).genres, [
    'B',
    'a',
    'b',
    '\uFF21',
    '\u{1F3AC}',
  ]);
  assert.equal(compareCodePoints('ab', 'abc') < 0, true);
  assert.equal(compareCodePoints('abc', 'abc'), 0);
});

test('toJSON and fromJSON round-trip the list in its saved order', () => {
  const saved = ['Zeta', 'Alpha', 'Mid'];
  const vocab = GenreVocabulary.fromJSON(saved);
  assert.deepEqual(vocab.toJSON(), saved);
  assert.equal(vocab.indexOf('Alpha'), 1);
  assert.equal(vocab.indexOf('Unknown'), -1);
  assert.deepEqual(JSON.parse(JSON.stringify(vocab)), saved);
  assert.throws(() => GenreVocabulary.fromJSON(['A', 'A']), PlotlineError);
  assert.throws(() => GenreVocabulary.fromJSON(['A', 3]), PlotlineError);
  assert.throws(() => GenreVocabulary.fromJSON({ genres: [] }), PlotlineError);
});

test('encode gives a multi-hot target and returns unknown genres instead of throwing', () => {
  const vocab = GenreVocabulary.fromTitles(titles);
  const { target, unknown } = vocab.encode(['TV Shows', 'Horror', 'Comedies', 'Horror']);
  assert.deepEqual([...target], [1, 0, 0, 0, 1]);
  assert.deepEqual(unknown, ['Horror']);
});

test('encodeAll fills row-major targets and counts titles per unknown genre', () => {
  const vocab = GenreVocabulary.fromJSON(['Comedies', 'Dramas']);
  const { targets, unknown } = vocab.encodeAll([
    { genres: ['Dramas', 'Horror'] },
    { genres: ['Comedies', 'Horror', 'Horror'] },
    { genres: ['Anime'] },
  ]);
  assert.deepEqual([...targets], [0, 1, 1, 0, 0, 0]);
  assert.deepEqual([...unknown], [
    ['Horror', 2],
    ['Anime', 1],
  ]);
});
