import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../src/text/tokenizer.js';

test('splits the reference sentence into lower-case words', () => {
  assert.deepEqual(tokenize('A detective hunts a killer in 1970s Seoul.'), [
    'a', 'detective', 'hunts', 'a', 'killer', 'in', '1970s', 'seoul',
  ]);
});

test('drops punctuation', () => {
  assert.deepEqual(tokenize('Love, loss... and "revenge"?! (Maybe); yes: no — fin.'), [
    'love', 'loss', 'and', 'revenge', 'maybe', 'yes', 'no', 'fin',
  ]);
});

test('keeps intra-word apostrophes, straight or curly, as a straight one', () => {
  assert.deepEqual(tokenize("Don't"), ["don't"]);
  assert.deepEqual(tokenize('Don’t they’re'), ["don't", "they're"]);
  assert.deepEqual(tokenize("rock'n'roll"), ["rock'n'roll"]);
});

test('strips a final possessive or contracted \'s, and edge apostrophes', () => {
  assert.deepEqual(tokenize("The detective's case, it's a parents' night"), [
    'the', 'detective', 'case', 'it', 'a', 'parents', 'night',
  ]);
  assert.deepEqual(tokenize('The detective’s case'), ['the', 'detective', 'case']);
  assert.deepEqual(tokenize("'80s 'quoted'"), ['80s', 'quoted']);
  assert.deepEqual(tokenize('ʼtwas the parentsʼ'), ['twas', 'the', 'parents']);
});

test('keeps intra-word hyphens but not dashes or edge hyphens', () => {
  assert.deepEqual(tokenize('A coming-of-age story'), ['a', 'coming-of-age', 'story']);
  assert.deepEqual(tokenize('covid-19 -- war--peace -lone- x‑ray'), ['covid-19', 'war', 'peace', 'lone', 'x-ray']);
});

test('keeps accented letters, composed or decomposed, and other scripts', () => {
  assert.deepEqual(tokenize('Café Zoë'), ['café', 'zoë']);
  assert.deepEqual(tokenize('Cafe\u0301'), ['café']);
  assert.deepEqual(tokenize('Ñandú in Москва, 東京'), ['ñandú', 'in', 'москва', '東京']);
});

test('handles numbers and NFKC compatibility forms', () => {
  assert.deepEqual(tokenize('In 1999, 3.5 million $100 bills; 9/11'), ['in', '1999', '3', '5', 'million', '100', 'bills', '9', '11']);
  assert.deepEqual(tokenize('ＦＵＬＬ ﬁlm'), ['full', 'film']);
});

test('empty and punctuation-only input give no tokens', () => {
  assert.deepEqual(tokenize(''), []);
  assert.deepEqual(tokenize('   ... !? — '), []);
});

test('drops emoji, including variation selectors, skin tones and keycaps', () => {
  assert.deepEqual(tokenize('Love ❤️ story 😍🏽 👨‍👩‍👧'), ['love', 'story']);
  assert.deepEqual(tokenize('Top 1️⃣'), ['top', '1']);
});

test('soft hyphens do not split a word', () => {
  assert.deepEqual(tokenize('co\u00ADop'), ['coop']);
});
