import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocabulary } from '../../src/text/vocabulary.js';

const docs = [
  ['a', 'detective', 'hunts', 'a', 'killer'],
  ['a', 'killer', 'hunts', 'a', 'ghost'],
  ['the', 'ghost', 'sings'],
];

test('reserves ids 0 and 1', () => {
  assert.equal(Vocabulary.PAD, 0);
  assert.equal(Vocabulary.OOV, 1);
  const empty = Vocabulary.build([]);
  assert.equal(empty.size, 2);
  assert.equal(empty.idOf('anything'), Vocabulary.OOV);
});

test('orders by count, then code point, and applies minCount', () => {
  const vocab = Vocabulary.build(docs);
  // counts: a 4, ghost 2, hunts 2, killer 2; detective, the, sings once.
  assert.deepEqual(vocab.toJSON().tokens, ['a', 'ghost', 'hunts', 'killer']);
  assert.equal(vocab.size, 6);
  assert.equal(vocab.idOf('a'), 2);
  assert.equal(vocab.idOf('killer'), 5);
  assert.equal(vocab.idOf('detective'), Vocabulary.OOV);
  assert.equal(Vocabulary.build(docs, { minCount: 1 }).size, 9);
});

test('maxSize counts the reserved ids', () => {
  const vocab = Vocabulary.build(docs, { minCount: 1, maxSize: 4 });
  assert.equal(vocab.size, 4);
  assert.deepEqual(vocab.toJSON().tokens, ['a', 'ghost']);
  assert.equal(Vocabulary.build(docs, { maxSize: 2 }).size, 2);
  assert.throws(() => Vocabulary.build(docs, { maxSize: 1 }), RangeError);
  assert.throws(() => Vocabulary.build(docs, { minCount: 0 }), RangeError);
});

test('ties are broken by code point, not UTF-16 code unit', () => {
  // U+FF21 sorts after U+1F600 by code unit (0xD83D < 0xFF21) but before it by code point.
  const vocab = Vocabulary.build([['😀', '\uFF21', 'b', 'ba']], { minCount: 1 });
  assert.deepEqual(vocab.toJSON().tokens, ['b', 'ba', '\uFF21', '😀']);
});

test('is deterministic regardless of document order', () => {
  const a = Vocabulary.build(docs, { minCount: 1 });
  const b = Vocabulary.build([...docs].reverse().map((d) => [...d].reverse()), { minCount: 1 });
  assert.deepEqual(a.toJSON(), b.toJSON());
});

test('encodes with OOV for unknown tokens', () => {
  const vocab = Vocabulary.build(docs);
  const ids = vocab.encode(['a', 'zebra', 'ghost']);
  assert.ok(ids instanceof Int32Array);
  assert.deepEqual([...ids], [2, Vocabulary.OOV, 3]);
  assert.equal(vocab.encode([]).length, 0);
});

test('round-trips through JSON', () => {
  const vocab = Vocabulary.build(docs, { minCount: 1 });
  const restored = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
  assert.deepEqual(restored.toJSON(), vocab.toJSON());
  assert.equal(restored.size, vocab.size);
  for (const token of ['a', 'sings', 'nope']) assert.equal(restored.idOf(token), vocab.idOf(token));
});

test('rejects malformed JSON with a clear message', () => {
  assert.throws(() => Vocabulary.fromJSON(null), { message: /"tokens" array/ });
  assert.throws(() => Vocabulary.fromJSON(['a']), { message: /"tokens" array/ });
  assert.throws(() => Vocabulary.fromJSON({ tokens: 'a b' }), { message: /"tokens" array/ });
  assert.throws(() => Vocabulary.fromJSON({ tokens: ['a', 3] }), { message: /token 1 must be a string, got number/ });
  assert.throws(() => Vocabulary.fromJSON({ tokens: ['a', null] }), { message: /got null/ });
  assert.throws(() => Vocabulary.fromJSON({ tokens: ['a', 'b', 'a'] }), { message: /token 2 "a" is a duplicate/ });
  assert.throws(() => Vocabulary.fromJSON({ tokens: ['a', 'b', 'a'] }), Error);
});
