import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../src/engine/backend.js';
import { kindNames } from '../../src/models/kinds.js';
import { GENRES, TEXTS, tinyClassifier } from './fixtures.js';

before(async () => {
  await useBackend('wasm');
});

function rowOf(scores: Float32Array, i: number, k = GENRES.length): number[] {
  return Array.from(scores.subarray(i * k, (i + 1) * k));
}

for (const kind of kindNames('scratch')) {
  test(`${kind}: scoreEncoded returns rows in input order, each equal to the text scored alone`, async () => {
    const classifier = tinyClassifier(kind, 3);
    // Lengths deliberately out of order, so scoring (which sorts by length) must put rows back.
    const texts = [TEXTS[0], TEXTS[4], TEXTS[3], TEXTS[2], TEXTS[1], TEXTS[4]];
    const encoded = texts.map((t) => classifier.vectorizer.encode(t));
    assert.ok(encoded[0].length > encoded[1].length && encoded[1].length < encoded[2].length, 'fixture lengths vary');
    const scores = classifier.scoreEncoded(encoded);
    assert.equal(scores.length, texts.length * GENRES.length);
    for (const v of scores) assert.ok(v > 0 && v < 1, `${v} is a probability`);
    texts.forEach((_, i) => {
      const alone = classifier.scoreEncoded([encoded[i]]);
      assert.deepEqual(rowOf(scores, i), rowOf(alone, 0), `row ${i} (${encoded[i].length} ids)`);
    });
    // The duplicate text gets the duplicate row; different texts get different rows.
    assert.deepEqual(rowOf(scores, 5), rowOf(scores, 1));
    assert.notDeepEqual(rowOf(scores, 0), rowOf(scores, 1));
    // score() is encode + scoreEncoded.
    assert.deepEqual(Array.from(await classifier.score(texts)), Array.from(scores));
    classifier.dispose();
  });

  test(`${kind}: a short text scores the same alone as in a batch with longer texts`, () => {
    const classifier = tinyClassifier(kind, 4);
    // The shortest encoding and the two longest (a long text may be cut to fewer ids than maxLength,
    // at a token boundary, so which texts encode longest depends on the kind).
    const encoded = TEXTS.map((t) => classifier.vectorizer.encode(t)).sort((a, b) => a.length - b.length);
    const short = encoded[0];
    const alone = rowOf(classifier.scoreEncoded([short]), 0);
    const longer = encoded.slice(-2);
    assert.ok(longer.every((e) => e.length > short.length));
    const batch = classifier.scoreEncoded([longer[0], short, longer[1]]);
    assert.deepEqual(rowOf(batch, 1), alone);
    classifier.dispose();
  });

  test(`${kind}: more texts than one scoring batch (256) still come back in input order`, () => {
    const classifier = tinyClassifier(kind, 5);
    const base = TEXTS.map((t) => classifier.vectorizer.encode(t));
    const encoded = Array.from({ length: 300 }, (_, i) => base[(i * 7) % base.length]);
    const scores = classifier.scoreEncoded(encoded);
    const reference = classifier.scoreEncoded(base);
    for (let i = 0; i < encoded.length; i++) {
      assert.deepEqual(rowOf(scores, i), rowOf(reference, (i * 7) % base.length), `row ${i}`);
    }
    classifier.dispose();
  });
}

// decide() works on given scores; the network is never run.
const SCORES = Float32Array.from([
  0.6, 0.3, 0.45, // two genres clear 0.4; none clears 0.7
  0.1, 0.2, 0.15, // nothing clears 0.4: the best genre (Dramas) stands in
  0.9, 0.9, 0.05, // a tie: the lower index ranks first
]);

test('decide() applies the saved global threshold, best genre first, never empty', () => {
  const classifier = tinyClassifier('bag', 1, { global: 0.4, perGenre: [0.9, 0.9, 0.9], mode: 'global' });
  const predictions = classifier.decide(SCORES);
  assert.equal(predictions.length, 3);
  assert.deepEqual(predictions.map((p) => p.genres), [['Comedies', 'Thrillers'], ['Dramas'], ['Comedies', 'Dramas']]);
  assert.deepEqual(Object.keys(predictions[0].scores), [...GENRES]);
  assert.equal(predictions[0].scores.Thrillers, Math.fround(0.45));
  assert.equal(predictions[0].top, undefined);
  classifier.dispose();
});

test('decide() uses the saved per-genre thresholds in perGenre mode', () => {
  const classifier = tinyClassifier('bag', 1, { global: 0.99, perGenre: [0.7, 0.25, 0.4], mode: 'perGenre' });
  // Row 0: Comedies .6 < .7 off, Dramas .3 >= .25 on, Thrillers .45 >= .4 on -> Thrillers (.45) before Dramas (.3).
  assert.deepEqual(classifier.decide(SCORES).map((p) => p.genres), [['Thrillers', 'Dramas'], ['Dramas'], ['Comedies', 'Dramas']]);
  classifier.dispose();
});

test('decide() respects a threshold override, a number or one per genre', () => {
  const classifier = tinyClassifier('bag', 1, { global: 0.4, perGenre: null, mode: 'global' });
  // Nothing clears 0.95: every item still gets its best genre.
  assert.deepEqual(classifier.decide(SCORES, { thresholds: 0.95 }).map((p) => p.genres), [['Comedies'], ['Dramas'], ['Comedies']]);
  assert.deepEqual(classifier.decide(SCORES, { thresholds: 0.12 }).map((p) => p.genres), [
    ['Comedies', 'Thrillers', 'Dramas'],
    ['Dramas', 'Thrillers'],
    ['Comedies', 'Dramas'],
  ]);
  assert.deepEqual(classifier.decide(SCORES, { thresholds: [0.05, 0.95, 0.95] }).map((p) => p.genres), [['Comedies'], ['Comedies'], ['Comedies']]);
  assert.throws(() => classifier.decide(SCORES, { thresholds: [0.5, 0.5] }), RangeError);
  classifier.dispose();
});

test('decide() topK lists the k best genres by descending score', () => {
  const classifier = tinyClassifier('bag', 1);
  const predictions = classifier.decide(SCORES, { topK: 2 });
  assert.deepEqual(predictions[0].top, [
    { genre: 'Comedies', score: Math.fround(0.6) },
    { genre: 'Thrillers', score: Math.fround(0.45) },
  ]);
  assert.deepEqual(predictions[1].top?.map((t) => t.genre), ['Dramas', 'Thrillers']);
  assert.deepEqual(predictions[2].top?.map((t) => t.genre), ['Comedies', 'Dramas']);
  const all = classifier.decide(SCORES, { topK: 10 });
  for (const p of all) {
    assert.equal(p.top?.length, GENRES.length);
    for (let i = 1; i < p.top!.length; i++) assert.ok(p.top![i - 1].score >= p.top![i].score);
  }
  classifier.dispose();
});

test('predict() on text returns one prediction per text, each with at least one genre', async () => {
  for (const kind of kindNames('scratch')) {
    const classifier = tinyClassifier(kind, 2);
    const predictions = await classifier.predict([...TEXTS, ''], { thresholds: 0.999, topK: 1 });
    assert.equal(predictions.length, TEXTS.length + 1);
    for (const p of predictions) {
      assert.equal(p.genres.length, 1, `${kind}: nothing clears 0.999, so exactly the best genre`);
      assert.equal(p.genres[0], p.top![0].genre);
      for (const g of GENRES) assert.ok(Number.isFinite(p.scores[g]), `${kind}: finite score`);
    }
    classifier.dispose();
  }
});
