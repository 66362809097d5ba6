import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyGenreRules, learnGenreRules, type GenreRules } from '../../src/models/genre-rules.js';
import { applyThresholds } from '../../src/models/thresholds.js';
import { createRng } from '../../src/util/random.js';

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

/** The cap as it was before it read thresholds: the `cap` most probable genres (ties to the lower index), the rest 0. */
function capByProbability(scores: Float32Array, k: number, cap: number): Float32Array {
  const out = Float32Array.from(scores);
  for (let o = 0; o < out.length; o += k) {
    const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => out[o + b] - out[o + a] || a - b);
    for (const j of order.slice(cap)) out[o + j] = 0;
  }
  return out;
}

const four = ['A', 'B', 'C', 'D'];
const capOnly = (maxGenres: number): GenreRules => ({ familyField: null, families: [], unknownFamily: 'total', maxGenres });

test('the cap chooses among the genres that pass their thresholds: a passing genre is not lost while under the cap', () => {
  // The case: cap 3, scores 0.9/0.8/0.7/0.6, thresholds 0.95/0.95/0.95/0.5. Only D passes;
  // a cap by probability zeroed D and the title got A (the stand-in) instead.
  const scores = Float32Array.of(0.9, 0.8, 0.7, 0.6);
  const thresholds = [0.95, 0.95, 0.95, 0.5];
  const capped = applyGenreRules(scores, four, capOnly(3), undefined, thresholds).scores;
  assert.deepEqual([...applyThresholds(capped, 4, thresholds)], [0, 0, 0, 1]);
  assert.deepEqual([...applyThresholds(capByProbability(scores, 4, 3), 4, thresholds)], [1, 0, 0, 0], 'the old cap lost D');
  // Over the cap, the largest margins over the thresholds win: D (+0.5) and B (+0.3), not A (+0.05).
  const over = applyGenreRules(scores, four, capOnly(2), undefined, [0.85, 0.5, 0.5, 0.1]).scores;
  assert.deepEqual([...applyThresholds(over, 4, [0.85, 0.5, 0.5, 0.1])], [0, 1, 0, 1]);
  // Equal margins go to the lower genre index.
  const tie = applyGenreRules(Float32Array.of(0.5, 0.75, 0.75, 0.5), four, capOnly(1), undefined, [0.25, 0.5, 0.5, 0.25]).scores;
  assert.deepEqual([...applyThresholds(tie, 4, [0.25, 0.5, 0.5, 0.25])], [1, 0, 0, 0]);
  // Nothing passes: the most probable genre stands in, as without a cap.
  const none = applyGenreRules(Float32Array.of(0.2, 0.4, 0.3, 0.1), four, capOnly(1), undefined, [0.9, 0.9, 0.9, 0.9]).scores;
  assert.deepEqual([...applyThresholds(none, 4, 0.9)], [0, 1, 0, 0]);
  assert.throws(() => applyGenreRules(scores, four, capOnly(2), undefined, [0.5, 0.5]), RangeError);
});

test('with thresholds, the cap sets to 0 only the passing genres it takes off; genres below their threshold keep their scores', () => {
  const scores = Float32Array.of(0.9, 0.8, 0.7, 0.6);
  // Cap 1 at 0.75: A and B pass, A is kept, B is taken off; C and D were never on and keep their scores.
  const capped = applyGenreRules(scores, four, capOnly(1), undefined, 0.75).scores;
  assert.deepEqual([...capped], [...Float32Array.of(0.9, 0, 0.7, 0.6)]);
  // Nothing passes: every score stays, the stand-in is the most probable.
  const none = applyGenreRules(scores, four, capOnly(1), undefined, 0.95).scores;
  assert.deepEqual([...none], [...scores]);
  // Without thresholds (tuning), the cap still keeps only the most probable.
  assert.deepEqual([...applyGenreRules(scores, four, capOnly(1), undefined).scores], [...Float32Array.of(0.9, 0, 0, 0)]);
});

test('over many random rows with per-genre thresholds: min(cap, passing) genres, every passing one kept under the cap, families held', () => {
  const rng = createRng(3);
  const n = 400;
  const k = genres.length;
  const scores = Float32Array.from({ length: n * k }, () => rng.next());
  const thresholds = Array.from({ length: k }, () => 0.2 + 0.6 * rng.next());
  const fields = Array.from({ length: n }, (_, i) => ({ type: i % 3 === 0 ? 'TV Show' : 'Movie' }));
  const family = applyGenreRules(scores, genres, { ...rules, maxGenres: null }, fields).scores;
  const decided = applyThresholds(applyGenreRules(scores, genres, rules, fields, thresholds).scores, k, thresholds);
  let crowded = 0;
  for (let i = 0; i < n; i++) {
    const passing = genres.map((_, j) => j).filter((j) => family[i * k + j] >= Math.fround(thresholds[j]));
    const on = genres.map((_, j) => j).filter((j) => decided[i * k + j] === 1);
    assert.equal(on.length, Math.max(1, Math.min(rules.maxGenres!, passing.length)), `row ${i}`);
    if (passing.length <= rules.maxGenres!) assert.deepEqual(on, passing.length === 0 ? on : passing, `row ${i} lost a passing genre`);
    else crowded += 1;
    assert.ok(on.every((j) => family[i * k + j] > 0), `row ${i} got a genre of the other family`);
  }
  assert.ok(crowded > 10, 'some rows have more passing genres than the cap');
});

test('with one global threshold (or none given) the cap keeps the most probable genres: decisions as before', () => {
  const rng = createRng(5);
  const n = 300;
  const scores = Float32Array.from({ length: n * 4 }, () => Math.round(rng.next() * 20) / 20); // ties included
  for (const cap of [1, 2, 3]) {
    const before = capByProbability(scores, 4, cap);
    assert.deepEqual(applyGenreRules(scores, four, capOnly(cap), undefined).scores, before);
    for (const t of [0.05, 0.3, 0.5, 0.75, 0.95]) {
      const after = applyGenreRules(scores, four, capOnly(cap), undefined, t).scores;
      assert.deepEqual(applyThresholds(after, 4, t), applyThresholds(before, 4, t), `cap ${cap}, threshold ${t}`);
      assert.deepEqual(applyThresholds(after, 4, [t, t, t, t]), applyThresholds(before, 4, t), `cap ${cap}, threshold ${t} per genre`);
    }
  }
});
