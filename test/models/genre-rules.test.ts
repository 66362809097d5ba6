import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyGenreRules, learnGenreRules, type GenreRules } from '../../src/models/genre-rules.js';

const genres = ['Comedies', 'Docuseries', 'Documentaries', 'International', "Kids' TV", 'Thrillers'];
const titles = [
  { genres: ['Comedies', 'International'], fields: { type: 'Movie' } },
  { genres: ['Documentaries'], fields: { type: 'Movie' } },
  { genres: ['Thrillers', 'International', 'Comedies'], fields: { type: 'Movie' } },
  { genres: ['Docuseries', 'International'], fields: { type: 'TV Show' } },
  { genres: ["Kids' TV"], fields: { type: 'TV Show' } },
];

test('families are the genres seen with only one value of the field; the cap is the training maximum', () => {
  const rules = learnGenreRules(titles, genres, { familyField: 'type' });
  assert.deepEqual(rules, {
    familyField: 'type',
    families: [
      { value: 'Movie', genres: ['Comedies', 'Documentaries', 'Thrillers'] },
      { value: 'TV Show', genres: ['Docuseries', "Kids' TV"] },
    ],
    unknownFamily: 'total',
    maxGenres: 3,
  });
  // International is shared, so in no family; a field with too many values makes no families.
  const byTitle = learnGenreRules(
    titles.map((t, i) => ({ ...t, fields: { title: `t${i}` } })),
    genres,
    { familyField: 'title', maxFamilies: 3 },
  );
  assert.equal(byTitle.familyField, null);
  assert.deepEqual(learnGenreRules(titles, genres, { familyField: null, maxGenres: 2 }).maxGenres, 2);
});

const rules: GenreRules = {
  familyField: 'type',
  families: [
    { value: 'Movie', genres: ['Comedies', 'Documentaries', 'Thrillers'] },
    { value: 'TV Show', genres: ['Docuseries', "Kids' TV"] },
  ],
  unknownFamily: 'total',
  maxGenres: 2,
};

test('a known family zeroes the other family; the cap keeps the most probable; input is not changed', () => {
  //                              Com  Docus Docum Intl  Kids  Thr
  const scores = Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);
  const copy = Float32Array.from(scores);
  const { scores: out, outcomes } = applyGenreRules(scores, genres, { ...rules, maxGenres: null }, [{ type: 'movie' }, { type: 'TV Show' }]);
  assert.deepEqual(scores, copy);
  assert.deepEqual(Array.from(out.subarray(0, 6)).map((v) => +v.toFixed(2)), [0.9, 0, 0.7, 0.6, 0, 0.4]);
  assert.deepEqual(Array.from(out.subarray(6)).map((v) => +v.toFixed(2)), [0, 0.8, 0, 0.6, 0.5, 0]);
  assert.deepEqual(outcomes, [
    { family: 'Movie', familyGiven: true },
    { family: 'TV Show', familyGiven: true },
  ]);
  const capped = applyGenreRules(scores.subarray(0, 6), genres, rules, [{ type: 'Movie' }]).scores;
  assert.deepEqual(Array.from(capped).map((v) => +v.toFixed(2)), [0.9, 0, 0.7, 0, 0, 0]);
});

test('an unknown family is chosen by total or by max probability, or not at all', () => {
  // Movie family total 0.3+0.3+0.3 = 0.9 > TV total 0.8; but TV holds the single most probable genre.
  const scores = Float32Array.from([0.3, 0.8, 0.3, 0.1, 0, 0.3]);
  const noCap = { ...rules, maxGenres: null };
  const total = applyGenreRules(scores, genres, noCap, [{ type: 'Short film' }]);
  assert.deepEqual(total.outcomes, [{ family: 'Movie', familyGiven: false }]);
  assert.equal(total.scores[1], 0);
  const max = applyGenreRules(scores, genres, { ...noCap, unknownFamily: 'max' }, undefined);
  assert.deepEqual(max.outcomes, [{ family: 'TV Show', familyGiven: false }]);
  assert.equal(max.scores[0], 0);
  const none = applyGenreRules(scores, genres, { ...noCap, unknownFamily: 'none' }, undefined);
  assert.deepEqual(Array.from(none.scores), Array.from(scores));
  assert.deepEqual(none.outcomes, [{ family: null, familyGiven: false }]);
});

test('with the family known, no prediction mixes families or exceeds the cap, over many random rows', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const n = 500;
  const scores = Float32Array.from({ length: n * genres.length }, random);
  const fields = Array.from({ length: n }, (_, i) => ({ type: i % 3 === 0 ? 'TV Show' : 'Movie' }));
  const out = applyGenreRules(scores, genres, rules, fields).scores;
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * genres.length, (i + 1) * genres.length);
    const on = genres.filter((_, j) => row[j] > 0);
    assert.ok(on.length <= 2, `row ${i}: ${on.join(', ')}`);
    const other = fields[i].type === 'Movie' ? rules.families[1].genres : rules.families[0].genres;
    assert.ok(!on.some((g) => other.includes(g)), `row ${i} mixes families: ${on.join(', ')}`);
  }
});

test('a genre one mistyped title takes out of its family is warned about, naming the title', async () => {
  const { familyNearMisses } = await import('../../src/models/genre-rules.js');
  const titles = [
    ...Array.from({ length: 40 }, (_, i) => ({ id: `tv${i}`, genres: ['TV Comedies'], fields: { type: 'TV Show' } })),
    { id: 'odd', genres: ['TV Comedies'], fields: { type: ' Movie ' } },
    ...Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, genres: ['Dramas', 'Comedies'], fields: { type: i < 5 ? 'Movie' : 'TV Show' } })),
  ];
  const warnings = familyNearMisses(titles, 'type');
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /genre "TV Comedies" is on 40 titles with type "TV Show" and 1 with type "Movie" \(id odd\)/);
  assert.deepEqual(familyNearMisses(titles, null), []);
  // In a small file one mistyped row is more than 5% of a genre's titles; it is still a near miss.
  const small = [
    ...Array.from({ length: 9 }, (_, i) => ({ id: `a${i}`, genres: ['Action & Adventure'], fields: { kind: 'Movie' } })),
    { id: 'typo', genres: ['Action & Adventure'], fields: { kind: 'Moive' } },
  ];
  assert.match(familyNearMisses(small, 'kind').join('\n'), /"Action & Adventure" is on 9 titles with kind "Movie" and 1 with kind "Moive" \(id typo\)/, 'values as written, not case-folded');
});
