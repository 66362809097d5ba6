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

test('invisible characters never split a word (UAX #29 ignores format characters)', () => {
  for (const invisible of ['\u200D', '\u200C', '\u200B', '\u2060', '\u00AD', '\uFEFF', '\u200E']) {
    assert.deepEqual(tokenize(`The spy${invisible}master returns`), ['the', 'spymaster', 'returns'], `U+${invisible.codePointAt(0)!.toString(16)}`);
  }
  // Between words they change nothing either.
  assert.deepEqual(tokenize('spy \u200B master'), ['spy', 'master']);
});

test('scripts written without spaces are split at Unicode word boundaries', () => {
  assert.deepEqual(tokenize('東京で刑事が殺人犯を追う'), ['東京', 'で', '刑事', 'が', '殺人犯', 'を', '追う']);
  assert.deepEqual(tokenize('นักสืบตามล่าฆาตกร'), ['นักสืบ', 'ตาม', 'ล่า', 'ฆาตกร']);
  // Mixed with Latin words, each word keeps its own rule.
  assert.deepEqual(tokenize('A 東京 coming-of-age story'), ['a', '東京', 'coming-of-age', 'story']);
  // The segmenter's punctuation is dropped like any other.
  assert.deepEqual(tokenize('刑事。「東京」'), ['刑事', '東京']);
});

test('hasWords is the one rule for token-less texts, with one wording', async () => {
  const { hasWords, noWordsMessage } = await import('../../src/text/tokenizer.js');
  for (const empty of ['', '   ', '🎬🍿🔪', '... !?', '\u200B\u200D']) assert.equal(hasWords(empty), false, JSON.stringify(empty));
  for (const text of ['a', 'Spy', '東京', '🎬 heist']) assert.equal(hasWords(text), true, text);
  assert.match(noWordsMessage('argument 2', '   '), /^argument 2 is empty/);
  assert.match(noWordsMessage('field "description"', '🎬'), /has no words .*at least one word/);
});

test('hasWords agrees with tokenize on texts its ASCII shortcut answers and on those it does not', async () => {
  const { hasWords } = await import('../../src/text/tokenizer.js');
  const texts = ['a', '7', "'s", "x's", '東a', 'a東京', '\u200Ba\u200B', 'a\u0301', 'ｆｕｌｌ', 'ʼaʼ', '-1-', '...a...', 'ไทยa', '🎬', "''", 'ʼ', '東京', ''];
  for (const text of texts) assert.equal(hasWords(text), tokenize(text).length > 0, JSON.stringify(text));
});

test('an all-ASCII text takes a path without Unicode regular expressions, with the same words', async () => {
  const { tokenizeAscii, tokenizeUnicode } = await import('../../src/text/tokenizer.js');
  const { createRng } = await import('../../src/util/random.js');
  const rng = createRng(11);
  // Letters, digits, both joiners, doubled and at the edges, 's, punctuation, controls, whitespace.
  const pieces = ['a', 'Z', 'q', '7', '0', "'", '-', "'s", "'S", '--', "''", ' ', '.', ',', '"', '\t', '\n', '\x00', '\x7f', '_', '@', 'x1', 'Don', 'IT'];
  const texts = ['A detective hunts a killer in 1970s Seoul.', "it's a coming-of-age tale -- of parents' 'secrets'", "'s", "a's", "rock'n'roll 9-to-5 x-'y"];
  for (let t = 0; t < 5000; t++) {
    let text = '';
    const length = Math.floor(rng.next() * 30);
    for (let i = 0; i < length; i++) text += pieces[Math.floor(rng.next() * pieces.length)];
    texts.push(text);
  }
  for (const text of texts) assert.deepEqual(tokenizeAscii(text), tokenizeUnicode(text), JSON.stringify(text));
  // The catalogue's descriptions, when the shared data is there.
  const { existsSync, readFileSync } = await import('node:fs');
  const catalogue = new URL('../../../shared/data/netflix_titles.csv', import.meta.url);
  if (existsSync(catalogue)) {
    const { parse } = await import('csv-parse/sync');
    const rows = parse(readFileSync(catalogue), { columns: true, bom: true }) as { description: string }[];
    let ascii = 0;
    for (const { description } of rows) {
      if (/[^\x00-\x7f]/.test(description)) continue;
      ascii++;
      assert.deepEqual(tokenizeAscii(description), tokenizeUnicode(description), description);
    }
    assert.ok(ascii > 5000, `${ascii} ASCII descriptions checked`);
  }
});
