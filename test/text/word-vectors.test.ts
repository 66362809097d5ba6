import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageOf, readWordVectors } from '../../src/text/word-vectors.js';
import { pretrainedEmbedding } from '../../src/models/vectorizers/word-vector-table.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const write = fixtureFolder('word-vectors');

const GLOVE = ['the 0.1 0.2 -0.3', 'detective 1 2 3', 'killer -1.5e-1 0 4.25', 'seoul 7 8 9', ''].join('\n');

test('GloVe text: the wanted words with their values, the dimension from the first line', async () => {
  const file = write('glove.txt', GLOVE);
  const v = await readWordVectors(file, new Set(['detective', 'killer', 'unicorn']));
  assert.equal(v.dimension, 3);
  assert.equal(v.format, 'text');
  assert.equal(v.fileWords, 4);
  assert.deepEqual([...v.vectors.keys()].sort(), ['detective', 'killer']);
  assert.deepEqual(Array.from(v.vectors.get('killer')!), [Math.fround(-0.15), 0, 4.25]);
});

test('.vec with its "count dimension" header line, CRLF and a word with capitals for a lower-case vocabulary word', async () => {
  const file = write('wiki.vec', '3 2\r\nParis 0.5 0.25\r\nthe 1 1\r\nparis 2 2\r\n');
  const v = await readWordVectors(file, new Set(['paris', 'the']));
  assert.equal(v.dimension, 2);
  assert.equal(v.fileWords, 3);
  // the exact lower-case entry wins over the capitalised one met first
  assert.deepEqual(Array.from(v.vectors.get('paris')!), [2, 2]);
  const capitalOnly = await readWordVectors(write('cap.vec', '1 2\nParis 0.5 0.25\n'), new Set(['paris']));
  assert.deepEqual(Array.from(capitalOnly.vectors.get('paris')!), [0.5, 0.25]);
});

test('a missing word is counted and named, most frequent first; the table gives it seeded small values', async () => {
  const file = write('glove2.txt', GLOVE);
  const tokens = ['the', 'unicorn', 'detective', 'zebra'];
  const v = await readWordVectors(file, new Set(tokens));
  const coverage = coverageOf(tokens, v);
  assert.deepEqual(coverage, { dimension: 3, words: 4, found: 2, missing: 2, missingExamples: ['unicorn', 'zebra'] });
  const table = pretrainedEmbedding(tokens, v, 7);
  assert.equal(table.rows, 6);
  assert.deepEqual(Array.from(table.table.subarray(0, 3)), [0, 0, 0], 'padding row is zero');
  assert.deepEqual(Array.from(table.table.subarray(2 * 3, 3 * 3)), Array.from(v.vectors.get('the')!), 'id 2 = "the"');
  const unicorn = Array.from(table.table.subarray(3 * 3, 4 * 3));
  assert.ok(unicorn.every((x) => Math.abs(x) <= 0.05 && x !== 0), `missing word gets small random values: ${unicorn}`);
  assert.deepEqual(pretrainedEmbedding(tokens, v, 7).table, table.table, 'same seed, same table');
  assert.notDeepEqual(pretrainedEmbedding(tokens, v, 8).table, table.table);
});

test('a malformed line is named by its line number', async () => {
  const shortLine = write('short.txt', 'the 0.1 0.2 0.3\nkiller 1 2\n');
  const a = await rejectsWith(readWordVectors(shortLine, new Set(['the'])));
  assert.equal(a.line, 2);
  assert.match(a.message, /short\.txt, line 2: expected a word and 3 values, found 3 field/);

  const notNumber = write('nan.vec', '2 3\nthe 0.1 0.2 0.3\nkiller 1 abc 3\n');
  const b = await rejectsWith(readWordVectors(notNumber, new Set(['killer'])));
  assert.equal(b.line, 3);
  assert.match(b.message, /value 2 of "killer" is "abc": expected a finite number/);

  // A value too many is not a word with a space ("killer 1"), whether or not the word is wanted.
  const extra = write('extra.vec', '2 3\nthe 0.1 0.2 0.3\nkiller 1 2 3 4\n');
  const c = await rejectsWith(readWordVectors(extra, new Set(['the'])));
  assert.equal(c.line, 3);
  assert.match(c.message, /expected a word and 3 values, found "killer" and 4 values/);
  // A word that does contain a space (GloVe 840B) is still read.
  const spaced = await readWordVectors(write('spaced.txt', 'the 0.1 0.2 0.3\n. . 1 2 3\n'), new Set(['. .']));
  assert.deepEqual(Array.from(spaced.vectors.get('. .')!), [1, 2, 3]);
});

test('a header whose count the file does not hold (a truncated download) is refused', async () => {
  const file = write('truncated.vec', '5 2\na 1 2\nb 3 4\n');
  const error = await rejectsWith(readWordVectors(file, new Set(['a'])));
  assert.match(error.message, /declares 5 vectors but the file holds 2/);
});

test('a missing or empty file is refused naming it', async () => {
  assert.match((await rejectsWith(readWordVectors(write('empty.txt', '\n  \n'), new Set(['a'])))).message, /empty\.txt: the word-vector file is empty/);
  assert.match((await rejectsWith(readWordVectors(`${write.dir}/absent.vec`, new Set(['a'])))).message, /absent\.vec: no such word-vector file/);
});

test("wink-embeddings JSON (values, L2 norm, index per word) is streamed like a text file", async () => {
  const json = JSON.stringify({ precision: 8, l2NormIndex: 2, wordIndex: 3, size: 2, dimensions: 2, words: ['the', 'spy'], vectors: { the: [0.5, -1, 1.1, 0], spy: [2, 3, 3.6, 1] }, unkVector: [0, 0, 0, -1] });
  const v = await readWordVectors(write('wink.json', json), new Set(['spy', 'ghost']));
  assert.equal(v.format, 'wink-json');
  assert.equal(v.dimension, 2);
  assert.equal(v.fileWords, 2);
  assert.deepEqual([...v.vectors.keys()], ['spy']);
  assert.deepEqual(Array.from(v.vectors.get('spy')!), [2, 3]);
  const bad = await rejectsWith(readWordVectors(write('bad.json', '{"vectors": {"the": [1, "x", 2]}}'), new Set(['the'])));
  assert.match(bad.message, /bad\.json: vector "the" is not an array of numbers/);
  const other = await rejectsWith(readWordVectors(write('other.json', '{"words": ["a"]}'), new Set(['a'])));
  assert.match(other.message, /no "vectors" object/);
});
