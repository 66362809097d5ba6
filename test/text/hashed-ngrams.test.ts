import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ngramFeatures, documentFrequencies, idfWeights, tokenFeatureCount, tokenFeatures, tokensWithinFeatures, wordPairId, type NgramOptions } from '../../src/text/hashed-ngrams.js';

// Cross-checked with an independent Python FNV-1a over the kind byte and UTF-16LE bytes.
const GOLDEN = [1918195, 1569081, 1630856];

const tokens = ['a', 'detective', 'hunts', 'a', 'killer', 'in', '1970s', 'seoul', 'café', '😀x'];

test('ids lie in [1, buckets]', () => {
  for (const buckets of [1, 7, 1000, 2 ** 21]) {
    const ids = ngramFeatures(tokens, { buckets, wordNgrams: 2, charNgrams: [2, 5] });
    assert.ok(ids instanceof Int32Array);
    assert.ok(ids.length > 0);
    for (const id of ids) assert.ok(id >= 1 && id <= buckets, `id ${id} outside [1, ${buckets}]`);
  }
});

test('is deterministic, and pinned so saved models stay valid', () => {
  const options: NgramOptions = { buckets: 2_000_000, wordNgrams: 2, charNgrams: [3, 5] };
  assert.deepEqual(ngramFeatures(tokens, options), ngramFeatures([...tokens], options));
  // Golden values: if these change, every saved bag model's features change with them.
  const golden = ngramFeatures(['cat', 'dog'], { buckets: 2_000_000, wordNgrams: 2, charNgrams: null });
  assert.deepEqual([...golden], GOLDEN);
});

test('word features only: one per token, repeats kept', () => {
  const ids = ngramFeatures(tokens, { buckets: 1_000_000, wordNgrams: 1, charNgrams: null });
  assert.equal(ids.length, tokens.length);
  assert.equal(ids[0], ids[3]); // both "a"
  assert.notEqual(ids[0], ids[1]);
  assert.equal(ngramFeatures([], { buckets: 10, wordNgrams: 2, charNgrams: [3, 5] }).length, 0);
});

test('bigrams appear only when asked for, and depend on word order', () => {
  const words = ngramFeatures(['dark', 'comedy'], { buckets: 1_000_000, wordNgrams: 1, charNgrams: null });
  const withBigrams = ngramFeatures(['dark', 'comedy'], { buckets: 1_000_000, wordNgrams: 2, charNgrams: null });
  assert.equal(words.length, 2);
  assert.equal(withBigrams.length, 3);
  assert.deepEqual([...withBigrams.subarray(0, 2)], [...words]);
  const reversed = ngramFeatures(['comedy', 'dark'], { buckets: 1_000_000, wordNgrams: 2, charNgrams: null });
  assert.notEqual(reversed[2], withBigrams[2]);
  // T tokens give T-1 bigrams, and trigrams add T-2 more.
  assert.equal(ngramFeatures(tokens, { buckets: 1_000_000, wordNgrams: 2, charNgrams: null }).length, 2 * tokens.length - 1);
  assert.equal(ngramFeatures(tokens, { buckets: 1_000_000, wordNgrams: 3, charNgrams: null }).length, 3 * tokens.length - 3);
  assert.equal(ngramFeatures(['one'], { buckets: 100, wordNgrams: 2, charNgrams: null }).length, 1);
});

test('word n-gram hashing separates word boundaries', () => {
  const options: NgramOptions = { buckets: 2_000_000, wordNgrams: 2, charNgrams: null };
  assert.notEqual(ngramFeatures(['ab', 'c'], options)[2], ngramFeatures(['a', 'bc'], options)[2]);
});

test('char n-grams of a short word over <word>, as fastText counts them', () => {
  const buckets = 10_000_000;
  // "<cat>" has 5 characters: 3 trigrams, 2 four-grams, 1 five-gram, plus the word itself.
  assert.equal(ngramFeatures(['cat'], { buckets, wordNgrams: 1, charNgrams: [3, 5] }).length, 1 + 6);
  // [3, 3] on "<a>": just "<a>".
  assert.equal(ngramFeatures(['a'], { buckets, wordNgrams: 1, charNgrams: [3, 3] }).length, 1 + 1);
  // n = 1 skips the lone boundary markers: "<cat>" gives c, a, t (3) and 4 bigrams.
  assert.equal(ngramFeatures(['cat'], { buckets, wordNgrams: 1, charNgrams: [1, 2] }).length, 1 + 3 + 4);
  // An astral character is one character, not two code units: "<😀>" has 3.
  assert.equal(ngramFeatures(['😀'], { buckets, wordNgrams: 1, charNgrams: [3, 6] }).length, 1 + 1);
  // A word longer than max gets nothing of length > max.
  assert.equal(ngramFeatures(['ab'], { buckets, wordNgrams: 1, charNgrams: [5, 6] }).length, 1);
});

test('related words share char n-grams, and a word differs from the same char n-gram', () => {
  const options: NgramOptions = { buckets: 10_000_000, wordNgrams: 1, charNgrams: [3, 5] };
  const a = new Set(ngramFeatures(['detective'], options).subarray(1));
  const b = new Set(ngramFeatures(['detectives'], options).subarray(1));
  const shared = [...a].filter((id) => b.has(id)).length;
  assert.ok(shared >= 15, `only ${shared} shared`);
  // The word "cat" vs the inner trigram "cat" of "<cats>".
  const word = ngramFeatures(['cat'], { ...options, charNgrams: null })[0];
  const grams = ngramFeatures(['cats'], options).subarray(1);
  assert.ok(!grams.includes(word));
});

test('rejects bad options', () => {
  assert.throws(() => ngramFeatures(['a'], { buckets: 0, wordNgrams: 1, charNgrams: null }), RangeError);
  assert.throws(() => ngramFeatures(['a'], { buckets: 10, wordNgrams: 0, charNgrams: null }), RangeError);
  assert.throws(() => ngramFeatures(['a'], { buckets: 10, wordNgrams: 1, charNgrams: [4, 3] }), RangeError);
});

test('document frequencies count each feature once per document', () => {
  const df = documentFrequencies([Int32Array.of(1, 1, 2), Int32Array.of(2, 3), Int32Array.of()], 4);
  assert.deepEqual([...df], [0, 1, 2, 1, 0]);
  assert.throws(() => documentFrequencies([Int32Array.of(5)], 4), RangeError);
});

test('idf matches scikit-learn smooth idf, padding weighs 0', () => {
  const idf = idfWeights(Float32Array.of(0, 1, 2, 0), 3);
  assert.equal(idf[0], 0);
  assert.ok(Math.abs(idf[1] - (Math.log(4 / 2) + 1)) < 1e-6);
  assert.ok(Math.abs(idf[2] - (Math.log(4 / 3) + 1)) < 1e-6);
  assert.ok(Math.abs(idf[3] - (Math.log(4) + 1)) < 1e-6);
  assert.ok(idf[2] < idf[1] && idf[1] < idf[3]);
});

test('per-token feature counts add up to the features listed, for any settings', () => {
  const tokens = ['a', 'detective', 'hunts', 'x', 'café', '😀x', 'coming-of-age'];
  for (const options of [
    { buckets: 1000, wordNgrams: 1, charNgrams: null },
    { buckets: 1000, wordNgrams: 2, charNgrams: [2, 5] as const },
    { buckets: 1000, wordNgrams: 3, charNgrams: [1, 3] as const },
    { buckets: 1000, wordNgrams: 2, charNgrams: [3, 6] as const },
  ]) {
    for (let k = 0; k <= tokens.length; k++) {
      const prefix = tokens.slice(0, k);
      const counted = prefix.reduce((sum, t, i) => sum + tokenFeatureCount(t, i, options), 0);
      assert.equal(counted, ngramFeatures(prefix, options).length, `${JSON.stringify(options)} k=${k}`);
    }
  }
});

test('tokensWithinFeatures keeps the longest prefix that fits', () => {
  const options: NgramOptions = { buckets: 1000, wordNgrams: 2, charNgrams: [2, 5] };
  const tokens = Array.from({ length: 50 }, (_, i) => `word${i}`);
  const k = tokensWithinFeatures(tokens, options, 200);
  assert.ok(ngramFeatures(tokens.slice(0, k), options).length <= 200);
  assert.ok(ngramFeatures(tokens.slice(0, k + 1), options).length > 200);
  assert.equal(tokensWithinFeatures(tokens.slice(0, 3), options, 10_000), 3);
});

test("a document's features are its tokens' own features plus its word bigrams (what the word cache relies on)", () => {
  const long = ['x'.repeat(300), ...tokens, 'a'];
  for (const options of [
    { buckets: 1_000_003, wordNgrams: 2, charNgrams: [2, 5] },
    { buckets: 97, wordNgrams: 2, charNgrams: [3, 6] },
    { buckets: 1_000_003, wordNgrams: 1, charNgrams: null },
  ] satisfies NgramOptions[]) {
    for (const doc of [tokens, long, ['solo'], []]) {
      const expected = [...ngramFeatures(doc, options)].sort((a, b) => a - b);
      const actual: number[] = [];
      doc.forEach((t, i) => {
        const own = tokenFeatures(t, options);
        assert.equal(own.length + Math.min(i, options.wordNgrams - 1), tokenFeatureCount(t, i, options), `feature count of ${t.slice(0, 10)}`);
        actual.push(...own);
        if (options.wordNgrams === 2 && i + 1 < doc.length) actual.push(wordPairId(t, doc[i + 1], options.buckets));
      });
      assert.deepEqual(actual.sort((a, b) => a - b), expected, `${doc.length} tokens, ${JSON.stringify(options)}`);
    }
  }
  // The word id comes first, then the char n-grams in ngramFeatures's order.
  const options: NgramOptions = { buckets: 1_000_003, wordNgrams: 1, charNgrams: [2, 5] };
  assert.deepEqual([...tokenFeatures('seoul', options)], [...ngramFeatures(['seoul'], options)]);
});
