/**
 * The word-cache scorer of a saved `bag` against the reference path (encode every feature, sum every
 * row): the same scores within float rounding, for both normalisations, with and without bigrams or
 * char n-grams, through a cache that refills, and for texts the encoder cuts (they take the reference path).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NgramVectorizer } from '../../../src/models/vectorizers/ngram-vectorizer.js';
import { linearScorer, type LinearBag } from '../../../src/models/bag/linear-bag-scorer.js';
import { wordCacheScorer } from '../../../src/models/bag/word-cache-scorer.js';
import { LinearBagModel } from '../../../src/models/bag/linear-bag-model.js';
import { createRng } from '../../../src/util/random.js';
import { TEXTS, GENRES } from '../fixtures.js';

const MORE = [
  ...TEXTS,
  'A detective’s hunt: the KILLER returns, again and again and again.',
  'café crème, naïve façade; 東京で刑事が殺人犯を追う 😀 coming-of-age',
  'love love love love',
  '!!!',
  'one',
  Array.from({ length: 60 }, (_, i) => `word${i % 17}`).join(' '), // cut by a small maxLength
];

/** A random collapsed bag with weights large enough that scores spread away from 0.5. */
function randomBag(buckets: number, k: number, normalisation: 'l2' | 'sum', seed: number): LinearBag {
  const rng = createRng(seed);
  const idf = Float32Array.from({ length: buckets + 1 }, (_, i) => (i === 0 ? 0 : 1 + 3 * rng.next()));
  // A mean of rows (sum) is closer to 0 than an L2-scaled sum: it needs larger rows to spread.
  const amplitude = normalisation === 'sum' ? 40 : 4;
  const collapsed = Float32Array.from({ length: (buckets + 1) * k }, () => amplitude * (rng.next() - 0.5));
  const bias = Float32Array.from({ length: k }, () => rng.next() - 0.5);
  return { collapsed, idf, bias, normalisation };
}

for (const normalisation of ['l2', 'sum'] as const) {
  for (const [wordNgrams, charNgrams, maxLength] of [
    [2, [2, 5], 1024],
    [2, [2, 5], 120],
    [1, [3, 6], 1024],
    [2, null, 1024],
  ] as const) {
    test(`word-cache scores equal the reference path (${normalisation}, ${wordNgrams}-grams, chars ${JSON.stringify(charNgrams)}, maxLength ${maxLength})`, () => {
      const encoder = new NgramVectorizer({ buckets: 4093, wordNgrams, charNgrams }, maxLength);
      const bag = randomBag(4093, GENRES.length, normalisation, 3);
      const expected = linearScorer(bag)(MORE.map((t) => encoder.encode(t)));
      for (const capacity of [1 << 16, 3]) {
        const scorer = wordCacheScorer(bag, encoder, capacity);
        // Twice: the second pass reads the words from the cache (or, at capacity 3, after refills).
        for (const pass of [1, 2]) {
          const actual = scorer(MORE);
          assert.equal(actual.length, expected.length);
          for (let i = 0; i < expected.length; i++) {
            assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-6, `pass ${pass}, capacity ${capacity}, text ${Math.floor(i / GENRES.length)}: ${actual[i]} vs ${expected[i]}`);
          }
        }
      }
      let spread = 0;
      for (const s of expected) spread = Math.max(spread, Math.abs(s - 0.5));
      assert.ok(spread > 0.2, 'scores are not all near 0.5');
    });
  }
}

test('a loaded bag (LinearBagModel) scores texts through the cache, as its encoded scores', async () => {
  const encoder = new NgramVectorizer({ buckets: 4093, wordNgrams: 2, charNgrams: [2, 5] }, 1024);
  const bag = randomBag(4093, GENRES.length, 'l2', 8);
  const model = new LinearBagModel(encoder, bag, GENRES, { global: 0.5, perGenre: null, mode: 'global' });
  const viaText = await model.score(MORE);
  const viaEncoded = model.scoreEncoded(MORE.map((t) => encoder.encode(t)));
  for (let i = 0; i < viaText.length; i++) assert.ok(Math.abs(viaText[i] - viaEncoded[i]) <= 1e-6, `${i}: ${viaText[i]} vs ${viaEncoded[i]}`);
});
