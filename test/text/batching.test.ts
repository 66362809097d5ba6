import { test } from 'node:test';
import assert from 'node:assert/strict';
import { padSequences, bucketedBatches, paddingWaste } from '../../src/text/batching.js';
import { createRng } from '../../src/util/random.js';

const seqs = [Int32Array.of(5, 6, 7), Int32Array.of(8), Int32Array.of(), Int32Array.of(1, 2, 3, 4, 5, 6)];

test('pads to the longest sequence of the batch, right-padded with 0', () => {
  const batch = padSequences(seqs, [0, 1, 2]);
  assert.equal(batch.rows, 3);
  assert.equal(batch.cols, 3);
  assert.deepEqual([...batch.ids], [5, 6, 7, 8, 0, 0, 0, 0, 0]);
  assert.deepEqual(batch.indices, [0, 1, 2]);
});

test('rows follow the given indices', () => {
  const batch = padSequences(seqs, [1, 0]);
  assert.deepEqual([...batch.ids], [8, 0, 0, 5, 6, 7]);
  assert.deepEqual(batch.indices, [1, 0]);
});

test('truncates to maxLength keeping the first tokens', () => {
  const batch = padSequences(seqs, [3, 1], { maxLength: 4 });
  assert.equal(batch.cols, 4);
  assert.deepEqual([...batch.ids], [1, 2, 3, 4, 8, 0, 0, 0]);
});

test('honours minLength and never yields zero columns', () => {
  const wide = padSequences(seqs, [1], { minLength: 5 });
  assert.equal(wide.cols, 5);
  assert.deepEqual([...wide.ids], [8, 0, 0, 0, 0]);
  const empty = padSequences(seqs, [2]);
  assert.equal(empty.cols, 1);
  assert.deepEqual([...empty.ids], [0]);
  const none = padSequences(seqs, []);
  assert.equal(none.rows, 0);
  assert.equal(none.ids.length, 0);
  assert.throws(() => padSequences(seqs, [0], { minLength: 5, maxLength: 3 }), RangeError);
  assert.throws(() => padSequences(seqs, [9]), RangeError);
});

function skewedLengths(n: number, seed: number): number[] {
  const rng = createRng(seed);
  // Mostly short descriptions with a long tail, like real data but more extreme.
  return Array.from({ length: n }, () => (rng.next() < 0.8 ? 12 + rng.int(10) : 30 + rng.int(90)));
}

function assertCoversOnce(batches: number[][], n: number): void {
  const seen = batches.flat().sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
}

test('bucketing covers every index exactly once, with the requested batch size', () => {
  const lengths = skewedLengths(103, 1);
  const batches = bucketedBatches(lengths, 10, createRng(7));
  assertCoversOnce(batches, 103);
  assert.equal(batches.length, 11);
  assert.equal(batches.filter((b) => b.length === 10).length, 10);
  assert.deepEqual(bucketedBatches([], 4, createRng(1)), []);
  assert.throws(() => bucketedBatches(lengths, 0, null), RangeError);
});

test('bucketing is deterministic for a seed and varies with it', () => {
  const lengths = skewedLengths(200, 2);
  assert.deepEqual(bucketedBatches(lengths, 16, createRng(42)), bucketedBatches(lengths, 16, createRng(42)));
  assert.notDeepEqual(bucketedBatches(lengths, 16, createRng(42)), bucketedBatches(lengths, 16, createRng(43)));
});

test('without an rng, batches are consecutive chunks in input order', () => {
  const batches = bucketedBatches([5, 1, 9, 2, 7], 2, null);
  assert.deepEqual(batches, [[0, 1], [2, 3], [4]]);
});

test('bucketing wastes less padding than random batches on skewed lengths', () => {
  const lengths = skewedLengths(2000, 3);
  const bucketed = paddingWaste(lengths, bucketedBatches(lengths, 32, createRng(5)));
  const order = createRng(6).shuffle(lengths.map((_, i) => i));
  const random: number[][] = [];
  for (let i = 0; i < order.length; i += 32) random.push(order.slice(i, i + 32));
  const randomWaste = paddingWaste(lengths, random);
  assert.ok(bucketed < randomWaste, `bucketed ${bucketed} vs random ${randomWaste}`);
  assert.ok(bucketed < 0.1, `bucketed waste ${bucketed}`);
  assert.ok(randomWaste > 0.5, `random waste ${randomWaste}`);
});

test('paddingWaste counts padded cells over all cells', () => {
  assert.equal(paddingWaste([2, 4, 4], [[0, 1], [2]]), 2 / 12);
  assert.equal(paddingWaste([], []), 0);
  assert.equal(paddingWaste([0, 0], [[0, 1]]), 0);
});
