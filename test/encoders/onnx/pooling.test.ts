/** Pooling arithmetic on hand-made token vectors, where the right answer can be worked out by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolTokenVectors } from '../../../src/encoders/onnx/pooling.js';

// Two rows, three tokens, width two. Row 0 has one padded token whose vector is huge: it must not count.
const hidden = {
  data: Float32Array.from([1, 2, 3, 4, 1000, -1000, /* row 1 */ 6, 8, 0, 0, 3, 4]),
  rows: 2,
  tokens: 3,
  width: 2,
};
const mask = [1, 1, 0, 1, 1, 1];

const close = (actual: Float32Array, expected: number[]): void => {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < 1e-6, `value ${i}: ${actual[i]} vs ${e}`));
};

test('mean pooling averages only the tokens the mask marks as real', () => {
  close(poolTokenVectors(hidden, mask, 'mean', false), [2, 3, 3, 4]);
  // bigint masks (what the int64 attention_mask tensor holds) give the same.
  close(poolTokenVectors(hidden, mask.map(BigInt), 'mean', false), [2, 3, 3, 4]);
});

test('cls pooling takes the first token', () => {
  close(poolTokenVectors(hidden, mask, 'cls', false), [1, 2, 6, 8]);
});

test('normalisation scales each row to length 1', () => {
  close(poolTokenVectors(hidden, mask, 'cls', true), [1 / Math.sqrt(5), 2 / Math.sqrt(5), 0.6, 0.8]);
  close(poolTokenVectors(hidden, mask, 'mean', true), [2 / Math.sqrt(13), 3 / Math.sqrt(13), 0.6, 0.8]);
});

test('a row with no real token pools to zeros, not NaN, even when normalised', () => {
  const empty = { data: Float32Array.from([5, 5, 5, 5]), rows: 1, tokens: 2, width: 2 };
  close(poolTokenVectors(empty, [0, 0], 'mean', true), [0, 0]);
});

test('mismatched sizes are refused', () => {
  assert.throws(() => poolTokenVectors({ ...hidden, tokens: 4 }, mask, 'mean', false), /expected 2 x 4 x 2/);
  assert.throws(() => poolTokenVectors(hidden, [1, 1], 'mean', false), /attention mask/);
});
