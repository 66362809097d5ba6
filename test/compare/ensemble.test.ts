/** Ensembles: the weighted mean of members' probabilities and the weights tuned on validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageScores, tuneEnsembleWeights } from '../../src/compare/ensemble.js';
import { createRng } from '../../src/util/random.js';

test('averageScores is the weighted mean, element by element', () => {
  // Binary fractions: every product and sum is exact in float32.
  const a = Float32Array.from([0, 0.5, 1, 0.25, 0.75, 0.125]);
  const b = Float32Array.from([1, 0.25, 0, 0.75, 0.75, 0.5]);
  const mean = averageScores([a, b], [0.25, 0.75]);
  assert.ok(mean instanceof Float32Array);
  assert.deepEqual([...mean], [0.75, 0.3125, 0.25, 0.625, 0.75, 0.40625]);
  assert.deepEqual([...averageScores([a, b], [1, 0])], [...a]);
  assert.deepEqual([...averageScores([a, b], [0, 1])], [...b]);
  const c = Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual([...averageScores([a, b, c], [0.5, 0.25, 0.25])], [0.375, 0.4375, 0.625, 0.4375, 0.6875, 0.3125]);
  // Inputs are left as they were.
  assert.deepEqual([...a], [0, 0.5, 1, 0.25, 0.75, 0.125]);
});

test('averageScores refuses members of different lengths', () => {
  const a = new Float32Array(6);
  assert.throws(() => averageScores([a, new Float32Array(5)], [0.5, 0.5]), (error: Error) => error instanceof RangeError && /member 2 has 5 scores, expected 6/.test(error.message));
  assert.throws(() => averageScores([a, a, new Float32Array(9)], [0.3, 0.3, 0.4]), /member 3 has 9 scores, expected 6/);
});

const K = 4;
const N = 200;

/** Seeded multi-label targets, each row with at least one label. */
function targetsOf(seed: number): Float32Array {
  const rng = createRng(seed);
  const targets = new Float32Array(N * K);
  for (let i = 0; i < N; i++) {
    targets[i * K + rng.int(K)] = 1;
    for (let j = 0; j < K; j++) if (rng.next() < 0.2) targets[i * K + j] = 1;
  }
  return targets;
}

function noise(seed: number, length: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.next());
}

test('tuneEnsembleWeights: a perfect member beside pure noise gets nearly all the weight', () => {
  const targets = targetsOf(1);
  // A ranks every positive above every negative, by a small margin: only a weight near 1 keeps that
  // ranking once noise is mixed in (a wide margin would tie over many weights, and ties go to 0.5).
  const perfect = targets.map((t) => (t === 1 ? 0.55 : 0.45));
  const random = noise(2, targets.length);
  const [a, b] = tuneEnsembleWeights([perfect, random], targets, K);
  assert.ok(a >= 0.8, `weight of the perfect member is ${a}`);
  assert.ok(Math.abs(a + b - 1) < 1e-12);
  // Order does not matter.
  const [b2, a2] = tuneEnsembleWeights([random, perfect], targets, K);
  assert.ok(a2 >= 0.8, `weight of the perfect member listed second is ${a2}`);
  assert.ok(Math.abs(a2 - a) < 1e-12 && Math.abs(b2 - b) < 1e-12);
});

test('tuneEnsembleWeights: weights are on the 0.05 grid, sum to 1, and equal members tie at an even mix', () => {
  const targets = targetsOf(3);
  for (const seed of [4, 5, 6]) {
    const weights = tuneEnsembleWeights([noise(seed, targets.length), noise(seed + 10, targets.length)], targets, K);
    assert.equal(weights.length, 2);
    assert.ok(Math.abs(weights[0] + weights[1] - 1) < 1e-12, `weights ${weights} sum to 1`);
    assert.ok(weights.every((w) => w >= 0 && w <= 1));
    assert.ok(Math.abs(weights[0] * 20 - Math.round(weights[0] * 20)) < 1e-9, `${weights[0]} is on the 0.05 grid`);
  }
  const same = noise(7, targets.length);
  assert.deepEqual(tuneEnsembleWeights([same, same], targets, K), [0.5, 0.5]);
});

test('tuneEnsembleWeights: three or more members are weighted equally', () => {
  const targets = targetsOf(8);
  const perfect = targets.map((t) => (t === 1 ? 0.55 : 0.45));
  const three = tuneEnsembleWeights([perfect, noise(9, targets.length), noise(10, targets.length)], targets, K);
  assert.deepEqual(three, [1 / 3, 1 / 3, 1 / 3]);
  assert.ok(Math.abs(three.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  const four = tuneEnsembleWeights([perfect, perfect, perfect, perfect], targets, K);
  assert.deepEqual(four, [0.25, 0.25, 0.25, 0.25]);
});
