import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldVectorizer, detectFieldKind, plausibleRange } from '../../../src/models/fields/field-vectorizer.js';

const rows = [
  { type: 'Movie', country: 'India, United States', duration: '90 min', release_year: '2010', cast: 'A, B', title: 'The Red Door', grade: 'x' },
  { type: 'Movie', country: 'India', duration: '120 min', release_year: '2015', cast: 'A', title: 'Red Sky', grade: 'y' },
  { type: 'TV Show', country: 'United States', duration: '2 Seasons', release_year: '2019', cast: 'B, C', title: 'Door', grade: 'x' },
  { type: 'TV Show', country: '', duration: '1 Season', release_year: '2020', cast: '', title: 'Sky', grade: 'y' },
];

test('each field becomes features of its kind; rare features are dropped; ids are sorted and stable', () => {
  const v = FieldVectorizer.fit(rows, ['type', 'country', 'duration', 'release_year', 'cast', 'title'], { minCount: 2 });
  assert.deepEqual(
    v.fields.map((f) => [f.name, f.kind]),
    [
      ['type', 'category'],
      ['country', 'list'],
      ['duration', 'quantity'],
      ['release_year', 'number'],
      ['cast', 'list'],
      ['title', 'words'],
    ],
  );
  assert.ok(v.features.includes('type=movie'));
  assert.ok(v.features.includes('country=india') && v.features.includes('country=united states'));
  assert.ok(v.features.includes('duration:min') && v.features.includes('duration:season'));
  assert.ok(v.features.includes('cast=a') && !v.features.includes('cast=c'), 'cast C is seen once');
  assert.ok(v.features.includes('title~red') && v.features.includes('title~door'));
  assert.deepEqual([...v.features], [...v.features].sort());
  const ids = v.transform({ type: 'movie ', country: 'India,  Nowhere', cast: 'A' });
  assert.deepEqual(
    Array.from(ids).map((i) => v.features[i]),
    ['cast=a', 'country=india', 'type=movie'].sort(),
  );
  // Dropping a field leaves its features out; no fields at all gives none.
  assert.ok(!Array.from(v.transform({ type: 'Movie', cast: 'A' }, new Set(['cast']))).some((i) => v.features[i] === 'cast=a'));
  assert.equal(v.transform(undefined).length, 0);
  // A saved vectorizer gives the same ids.
  const again = FieldVectorizer.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
  assert.deepEqual(again.transform(rows[2]), v.transform(rows[2]));
});

test('numbers and durations fall into training quantile buckets', () => {
  const many = Array.from({ length: 80 }, (_, i) => ({ release_year: String(1950 + i), duration: `${60 + i} min` }));
  const v = FieldVectorizer.fit(many, ['release_year', 'duration'], { minCount: 1 });
  const bucket = (year: string) => v.features[v.transform({ release_year: year })[0]];
  assert.notEqual(bucket('1951'), bucket('2028'));
  assert.equal(bucket('1900'), 'release_year#0');
  assert.equal(bucket('2100'), `release_year#${v.fields[0].edges!.length}`);
});

test('out-of-range numbers and negative durations are read as missing, not as the top or bottom bucket, and are reported', () => {
  const many = Array.from({ length: 80 }, (_, i) => ({ release_year: String(1990 + (i % 30)), duration: `${60 + i} min` }));
  const v = FieldVectorizer.fit(many, ['release_year', 'duration'], { minCount: 1 });
  const range = plausibleRange(v.fields[0].edges)!;
  assert.ok(range.low <= 1900 && range.high >= 2100 && range.high < 3000, JSON.stringify(range));
  const missing = v.transform({});
  for (const year of ['99999999999999999999', '1e400', '-2019']) assert.deepEqual(v.transform({ release_year: year }), missing, year);
  assert.deepEqual(v.transform({ duration: '-90 min' }), missing);
  assert.equal(v.transform({ release_year: '2100' }).length, 1, 'a late but plausible year keeps its bucket');
  assert.deepEqual(v.valueProblems({ release_year: ' 99999999999999999999 ', duration: '-90 min' }).map((p) => [p.field, p.value]), [
    ['release_year', '99999999999999999999'],
    ['duration', '-90 min'],
  ]);
  assert.match(v.valueProblems({ release_year: '99999999999999999999' })[0].expected, /^a number from \d+ to \d+/);
  assert.match(v.valueProblems({ duration: '-90 min' })[0].expected, /^a number of mins from 0 to \d+/);
  assert.deepEqual(v.valueProblems({ release_year: '2015', duration: '95 min' }), []);
  // A value that is not a number is read as missing too, and said so (not as out of range).
  assert.deepEqual(v.valueProblems({ release_year: 'unknown', duration: 'n/a' }).map((p) => [p.field, p.reason]), [
    ['release_year', 'not a number'],
    ['duration', 'not a number with a unit'],
  ]);
  assert.deepEqual(v.transform({ release_year: 'unknown', duration: 'n/a' }), missing);
  assert.equal(v.valueProblems({ release_year: '99999999999999999999' })[0].reason, 'out of range');
});

test('unknown fields get a kind from their values', () => {
  assert.equal(detectFieldKind(['1', '2.5', '']), 'number');
  assert.equal(detectFieldKind(['10 episodes', '3 episodes']), 'quantity');
  assert.equal(detectFieldKind(['a, b', 'c', 'd']), 'list');
  assert.equal(detectFieldKind(['x', 'y', 'x', 'y']), 'category');
  assert.equal(detectFieldKind(['one title', 'another title', 'a third']), 'words');
});

test('numbers are read only as plain decimals: hexadecimal, Infinity and blanks are "not a number", and read as missing', () => {
  const many = Array.from({ length: 40 }, (_, i) => ({ release_year: String(1990 + (i % 30)) }));
  const v = FieldVectorizer.fit(many, ['release_year'], { minCount: 1 });
  const missing = v.transform({});
  for (const odd of ['0x7E3', 'Infinity', '-Infinity', '0b11111100011', '2 019']) {
    assert.deepEqual(v.transform({ release_year: odd }), missing, odd);
    assert.deepEqual(v.valueProblems({ release_year: odd }).map((p) => p.reason), ['not a number'], odd);
  }
  assert.equal(v.transform({ release_year: ' 2019 ' }).length, 1);
  assert.equal(v.transform({ release_year: '+2.019e3' }).length, 1, 'a decimal in exponent form is still a number');
  assert.notEqual(detectFieldKind(['0x7E3', '0x7E4']), 'number', 'hexadecimal values are not a numeric column');
});
