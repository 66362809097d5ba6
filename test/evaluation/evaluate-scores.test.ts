import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateScores } from '../../src/evaluation/evaluate-scores.js';

test('ranking metrics read the ranking scores; decisions read the (rule-constrained) scores', () => {
  // 2 titles x 4 genres. The true genre of title 0 ranks 2nd in the raw scores, but a cap of 1 set it to 0.
  const truth = Float32Array.of(0, 1, 0, 0, 1, 0, 0, 0);
  const raw = Float32Array.of(0.9, 0.6, 0.2, 0.1, 0.8, 0.3, 0.2, 0.1);
  const capped = Float32Array.of(0.9, 0, 0, 0, 0.8, 0, 0, 0);
  const genres = ['a', 'b', 'c', 'd'];
  const onCapped = evaluateScores(truth, capped, genres, 0.5, 1);
  const onRaw = evaluateScores(truth, capped, genres, 0.5, 1, raw);
  // Same decisions either way: title 0 gets genre a (wrong), title 1 gets a (right).
  assert.equal(onCapped.tuned.microF1, onRaw.tuned.microF1);
  assert.equal(onRaw.tuned.microF1, 0.5);
  // The raw ranking puts title 0's true genre 2nd (LRAP 1/2); the capped one ties it with c and d at 0.
  assert.equal(onRaw.tuned.lrap, (0.5 + 1) / 2);
  assert.ok(onCapped.tuned.lrap < onRaw.tuned.lrap, `${onCapped.tuned.lrap} vs ${onRaw.tuned.lrap}`);
});
