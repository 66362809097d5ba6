import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyThresholds } from '../../src/models/thresholds.js';

test('applyThresholds: >= is on, and an item with nothing on gets its best genre', () => {
  const scores = new Float32Array([
    0.6, 0.5, 0.1, // .6 and .5 pass 0.5 (inclusive)
    0.3, 0.4, 0.2, // nothing passes -> best genre b
    0.45, 0.45, 0.1, // nothing passes, a and b tie -> lower column a
  ]);
  assert.deepEqual([...applyThresholds(scores, 3, 0.5)], [1, 1, 0, 0, 1, 0, 1, 0, 0]);
  // Per genre [.7, .5, .05]: i0 b, c; i1 c; i2 c -- c's low threshold means no fallback is needed.
  assert.deepEqual([...applyThresholds(scores, 3, [0.7, 0.5, 0.05])], [0, 1, 1, 0, 0, 1, 0, 0, 1]);
  assert.throws(() => applyThresholds(scores, 3, [0.5, 0.5]), RangeError);
});

test('applyThresholds compares at float32 precision', () => {
  // float32(0.7) < 0.7 as a double, but a score stored as 0.7 must pass threshold 0.7. If it did not,
  // the fallback would pick b (the higher score) instead.
  assert.deepEqual([...applyThresholds(new Float32Array([0.7, 0.8]), 2, [0.7, 0.9])], [1, 0]);
});

test('describeThresholds names the way, the values that decide, and the objective when known', async () => {
  const { describeThresholds } = await import('../../src/models/thresholds.js');
  assert.equal(describeThresholds({ global: 0.35, perGenre: [0.2, 0.5], mode: 'global' }), 'one global threshold, 0.35');
  assert.equal(describeThresholds({ global: 0.35, perGenre: [0.2, 0.5], mode: 'perGenre', objective: 'micro' }), 'per genre (0.20-0.50), chosen on validation for micro-F1');
  assert.equal(
    describeThresholds({ global: 0.47, perGenre: [0.12, 0.41], mode: 'perGenre', priorShift: 0.3, objective: 'mean' }),
    "prior-shifted: base 0.47 moved by 0.3 x each genre's training log-odds (0.12-0.41 per genre), chosen on validation for the mean of micro- and macro-F1",
  );
});
