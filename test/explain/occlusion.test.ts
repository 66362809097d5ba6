/**
 * Occlusion explanations on a tiny bag model trained on synthetic keyword data (one keyword per genre
 * among filler words): the keyword is what the model depends on, so it must get the largest positive
 * weight for its genre. Plus the explain command's genre lookup and text output.
 */
import { test, before, mock } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../src/engine/backend.js';
import { trainClassifier } from '../../src/training/train-classifier.js';
import type { GenreClassifier } from '../../src/models/classifier.js';
import { explain, splitWords } from '../../src/explain/occlusion.js';
import { closeGenres, formatExplanation, resolveGenre } from '../../src/cli/commands/explain.js';
import { PlotlineError } from '../../src/util/errors.js';
import { KEYWORD_GENRES, KEYWORDS, keywordDataset } from '../helpers/keyword-dataset.js';

const GENRES = KEYWORD_GENRES;
const makeDataset = keywordDataset;

let classifier: GenreClassifier;

before(async () => {
  await useBackend('wasm');
  const trained = await trainClassifier(GENRES, makeDataset(128, 1), makeDataset(32, 2), {
    kind: 'bag',
    seed: 1,
    epochs: 4,
    // Words only, as in test/training/trainer.test.ts: the keywords are then all there is to learn.
    config: { buckets: 1024, embeddingDim: 16, wordNgrams: 1, charNgrams: null, dropout: 0 },
    batchSize: 8,
    learningRate: 0.05,
  });
  classifier = trained.classifier;
});

test('one weight per word, with offsets that slice the original text', async () => {
  const text = '  A secret,  murder at the old   house... (at night)! ';
  const [explanation] = await explain(classifier, text);
  const words = splitWords(text);
  assert.equal(explanation.words.length, words.length);
  assert.deepEqual(explanation.words.map((w) => w.word), ['A', 'secret,', 'murder', 'at', 'the', 'old', 'house...', '(at', 'night)!']);
  for (const w of explanation.words) {
    assert.equal(text.slice(w.start, w.end), w.word);
    assert.ok(Number.isFinite(w.weight));
  }
});

test('the keyword the model depends on gets the largest positive weight for its genre', async () => {
  for (const [g, keyword] of KEYWORDS.entries()) {
    const text = `the old ${keyword} house in town with two friends`;
    // Default: the best genre, which must be the keyword's.
    const [best] = await explain(classifier, text);
    assert.equal(best.genre, GENRES[g], `${text}: best genre ${best.genre}`);
    const top = [...best.words].sort((a, b) => b.weight - a.weight)[0];
    assert.equal(top.word, keyword, `${text}: ${JSON.stringify(best.words.map((w) => [w.word, w.weight.toFixed(3)]))}`);
    assert.ok(top.weight > 0, `${keyword}: weight ${top.weight}`);
    for (const w of best.words) if (w.word !== keyword) assert.ok(Math.abs(w.weight) < top.weight, `${w.word} ${w.weight} vs ${top.weight}`);
    // The score is the genre's probability for the whole text, and a weight is exactly what leaving the word out costs.
    const full = await classifier.score([text]);
    assert.equal(best.score, full[g]);
    const without = await classifier.score([text.split(' ').filter((w) => w !== keyword).join(' ')]);
    assert.equal(top.weight, full[g] - without[g]);
  }
});

test('explaining several genres costs one score() call', async () => {
  const spy = mock.method(classifier, 'score');
  try {
    const explanations = await explain(classifier, 'a hilarious murder in the city', GENRES);
    assert.equal(spy.mock.callCount(), 1);
    assert.deepEqual(explanations.map((e) => e.genre), GENRES);
    // n + 1 rows: the text and the text without each of its 6 words.
    assert.equal(spy.mock.calls[0].arguments[0].length, 7);
    const comedies = explanations[0].words.find((w) => w.word === 'hilarious')!;
    const thrillers = explanations[2].words.find((w) => w.word === 'murder')!;
    assert.ok(comedies.weight > 0 && thrillers.weight > 0);
  } finally {
    spy.mock.restore();
  }
});

test('an unknown genre throws, naming it', async () => {
  await assert.rejects(explain(classifier, 'a murder', ['Westerns']), /unknown genre "Westerns"/);
});

test('the explain command resolves genre names: exact, any case, or an error with close matches or the list', () => {
  assert.equal(resolveGenre('Dramas', GENRES), 'Dramas');
  assert.equal(resolveGenre('thrillers', GENRES), 'Thrillers');
  const near = catchError(() => resolveGenre('Thriller', GENRES));
  assert.ok(near instanceof PlotlineError);
  assert.match(near.message, /unknown genre "Thriller"; did you mean "Thrillers"\?/);
  const far = catchError(() => resolveGenre('Westerns', GENRES));
  assert.match(far.message, /unknown genre "Westerns"; the model's genres: Comedies, Dramas, Thrillers/);
  const catalogue = ['International Movies', 'International TV Shows', 'TV Dramas', 'Dramas', 'Stand-Up Comedy', 'Comedies'];
  assert.deepEqual(closeGenres('international', catalogue), ['International Movies', 'International TV Shows']);
  assert.deepEqual(closeGenres('Comedy', catalogue).slice(0, 2), ['Stand-Up Comedy', 'Comedies']);
});

test('the text output: genre and score, the text with inline weights, words by |weight|', () => {
  const text = 'a heartbreaking story';
  const explanation = { genre: 'Dramas', score: 0.8731, words: splitWords(text).map((w, i) => ({ ...w, weight: [0.0001, 0.5, -0.1][i] })) };
  const out = formatExplanation(text, explanation, 0.4);
  assert.deepEqual(out.split('\n'), [
    'Dramas  0.873  (predicted: threshold 0.400)',
    '  a heartbreaking[+0.500] story[-0.100]',
    '  +0.500  heartbreaking  ####################',
    '  -0.100  story          ####',
    '   0.000  a              ',
  ]);
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected an error');
}
