import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWord, formatExplanation, outOfFamily } from '../../../src/cli/commands/explain.js';
import { splitWords } from '../../../src/explain/occlusion.js';

test('explain shows words without the punctuation around them; the weights (and the occluded words) stay as scored', () => {
  const text = 'Two friends fall in love, (2019) - "don\'t" stop.';
  const words = splitWords(text);
  const weights = [0.01, 0.02, 0, 0, 0.5, -0.2, 0, 0.03, 0.0001];
  const out = formatExplanation(text, { genre: 'Dramas', score: 0.8, words: words.map((w, i) => ({ ...w, weight: weights[i] })) }, 0.4).split('\n');
  assert.equal(out[1], '  Two[+0.010] friends[+0.020] fall in love[+0.500], (2019[-0.200]) - "don\'t[+0.030]" stop.');
  assert.deepEqual(out.slice(2, 5), ['  +0.500  love     ####################', '  -0.200  2019     ########', '  +0.030  don\'t    #']);
  assert.ok(out.some((l) => /^ {3}0\.000  -  /.test(l)), 'a word of punctuation only is shown whole');
  assert.ok(out.some((l) => /^ {3}0\.000  stop {5}$/.test(l)), out.join('\n'));
  assert.deepEqual(displayWord({ word: 'love,', start: 0, end: 5 }), { text: 'love', end: 4 });
  assert.deepEqual(displayWord({ word: '(2019)', start: 10, end: 16 }), { text: '2019', end: 15 });
  assert.deepEqual(displayWord({ word: 'café…', start: 0, end: 5 }), { text: 'café', end: 4 });
  // The occlusion still leaves out the whole whitespace-separated word, as before.
  assert.deepEqual(words.map((w) => w.word).slice(4, 6), ['love,', '(2019)']);
});

test('the verdict is what predict answers: the at-least-one-genre stand-in below its threshold is predicted, a genre the rules removed is not', () => {
  const text = 'A quiet story.';
  const words = splitWords(text).map((w) => ({ ...w, weight: 0.01 }));
  const head = (score: number, threshold: number, predicted?: boolean): string => formatExplanation(text, { genre: 'Dramas', score, words }, threshold, predicted).split('\n')[0];
  assert.equal(head(0.8, 0.4), 'Dramas  0.800  (predicted: threshold 0.400)');
  assert.equal(head(0.3, 0.4), 'Dramas  0.300  (not predicted: threshold 0.400)');
  assert.equal(head(0.3, 0.4, true), 'Dramas  0.300  (predicted as the most probable genre, none passing its threshold: threshold 0.400)');
  assert.equal(head(0.8, 0.4, false), 'Dramas  0.800  (not predicted: threshold 0.400)');
});

test('a genre of another family than the one held says why it scores 0', () => {
  const rules = { familyField: 'type', families: [{ value: 'Movie', genres: ['Thrillers'] }, { value: 'TV Show', genres: ["Kids' TV"] }], unknownFamily: 'total' as const, maxGenres: 3 };
  assert.equal(outOfFamily('Thrillers', { family: { value: 'TV Show', given: true } }, rules), 'Thrillers is not a TV Show genre (type given): the genre rules set it to 0, so no word moves it');
  assert.match(outOfFamily('Thrillers', { family: { value: 'TV Show', given: false } }, rules) ?? '', /chosen by the scores, as it is not given/);
  assert.equal(outOfFamily("Kids' TV", { family: { value: 'TV Show', given: true } }, rules), null, 'in the held family');
  assert.equal(outOfFamily('Dramas', { family: { value: 'TV Show', given: true } }, rules), null, 'in no family');
  assert.equal(outOfFamily('Thrillers', {}, rules), null, 'no family held');
  assert.equal(outOfFamily('Thrillers', { family: { value: 'TV Show', given: true } }, null), null);
});
