import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tuneDecisionThresholds } from '../../src/evaluation/decision-thresholds.js';
import { createRng } from '../../src/util/random.js';

const K = 4;

/** n rows, K genres; genre j is positive with probability 0.3 and scored by `score(j, positive, rng)`. */
function sample(n: number, seed: number, score: (j: number, positive: boolean, u: number) => number) {
  const rng = createRng(seed);
  const targets = new Float32Array(n * K);
  const scores = new Float32Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < K; j++) {
      const positive = rng.next() < 0.3;
      targets[i * K + j] = positive ? 1 : 0;
      scores[i * K + j] = score(j, positive, rng.next());
    }
  }
  return { targets, scores };
}

test('genres calibrated very differently: per-genre thresholds win on held-out halves and are chosen', () => {
  // Genre j separates its positives at its own level: 0.1, 0.35, 0.6, 0.85.
  const centre = [0.1, 0.35, 0.6, 0.85];
  const { targets, scores } = sample(600, 1, (j, positive, u) => Math.min(0.99, Math.max(0.01, centre[j] + (positive ? 0.04 : -0.04) + (u - 0.5) * 0.06)));
  const tuned = tuneDecisionThresholds(targets, scores, K);
  assert.equal(tuned.thresholds.mode, 'perGenre');
  assert.ok(tuned.crossFitted.perGenre > tuned.crossFitted.global + 0.1, JSON.stringify(tuned.crossFitted));
  assert.equal(tuned.thresholds.perGenre?.length, K);
});

test('scores carrying no genre-specific calibration: the global threshold is kept', () => {
  // Every genre is the same weak signal; per-genre cuts can only fit noise.
  const { targets, scores } = sample(300, 2, (_j, positive, u) => (positive ? 0.45 : 0.35) + u * 0.3);
  const tuned = tuneDecisionThresholds(targets, scores, K);
  assert.ok(tuned.microF1.microF1PerGenre >= tuned.microF1.microF1Global, 'in-sample, per-genre always looks at least as good');
  assert.equal(tuned.thresholds.mode, tuned.crossFitted.perGenre > tuned.crossFitted.global ? 'perGenre' : 'global');
  assert.equal(tuned.thresholds.mode, 'global', JSON.stringify(tuned.crossFitted));
});

test('the same inputs give the same choice (no randomness in the halves)', () => {
  const { targets, scores } = sample(200, 3, (_j, positive, u) => (positive ? 0.6 : 0.4) + (u - 0.5) * 0.5);
  assert.deepEqual(tuneDecisionThresholds(targets, scores, K), tuneDecisionThresholds(targets, scores, K));
});

test('the mode is chosen on the held-out decisions of the given decision rule (a genre cap by thresholds), not on plain thresholds', async () => {
  const { applyThresholds } = await import('../../src/models/thresholds.js');
  const { selectRows } = await import('../../src/util/row-matrix.js');
  const centre = [0.1, 0.35, 0.6, 0.85];
  const { targets, scores } = sample(600, 1, (j, positive, u) => Math.min(0.99, Math.max(0.01, centre[j] + (positive ? 0.04 : -0.04) + (u - 0.5) * 0.06)));
  const plain = tuneDecisionThresholds(targets, scores, K);
  // The plain rule given as `decide`: the same choice and numbers.
  assert.deepEqual(tuneDecisionThresholds(targets, scores, K, (rows, t) => applyThresholds(selectRows(scores, rows, K), K, t)), plain);
  // A rule under which per-genre thresholds decide nothing right: global is chosen.
  const seen: number[] = [];
  const spoiled = tuneDecisionThresholds(targets, scores, K, (rows, t) => {
    seen.push(rows.length);
    return typeof t === 'number' ? applyThresholds(selectRows(scores, rows, K), K, t) : new Uint8Array(rows.length * K);
  });
  assert.equal(spoiled.thresholds.mode, 'global');
  assert.equal(spoiled.crossFitted.perGenre, 0);
  assert.deepEqual(spoiled.thresholds.perGenre, plain.thresholds.perGenre, 'the thresholds themselves are tuned as before');
  assert.deepEqual(seen, [300, 300, 300, 300], 'each half held out once, for each way');
});
