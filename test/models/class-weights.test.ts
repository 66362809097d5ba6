import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classWeights } from '../../src/models/class-weights.js';

// 200 titles, 2 genres: genre 0 on 1 title, genre 1 on 25.
const targets = new Float32Array(400);
targets[0] = 1;
for (let i = 0; i < 25; i++) targets[i * 2 + 1] = 1;

test('none weighs every term 1', () => {
  const w = classWeights(targets, 2, 'none');
  assert.deepEqual([...w.positive, ...w.negative], [1, 1, 1, 1]);
});

test('sqrt weighs positives by sqrt(negatives / positives), capped at 10, negatives 1', () => {
  const w = classWeights(targets, 2, 'sqrt');
  assert.equal(w.positive[0], 10); // sqrt(199) = 14.1, capped
  assert.ok(Math.abs(w.positive[1] - Math.sqrt(7)) < 1e-6);
  assert.deepEqual([...w.negative], [1, 1]);
});

test('balanced gives each class of each genre half of the loss, as scikit-learn does', () => {
  const w = classWeights(targets, 2, 'balanced');
  for (const [j, positives] of [[0, 1], [1, 25]]) {
    assert.ok(Math.abs(w.positive[j] * positives - 100) < 1e-3);
    assert.ok(Math.abs(w.negative[j] * (200 - positives) - 100) < 1e-3);
  }
});

test('targets that are not rows of k genres are a RangeError', () => {
  assert.throws(() => classWeights(new Float32Array(5), 2, 'sqrt'), RangeError);
});
