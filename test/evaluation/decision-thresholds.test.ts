import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tuneDecisionThresholds, objectiveValue } from '../../src/evaluation/decision-thresholds.js';
import { genrePriorLogOdds } from '../../src/evaluation/thresholds.js';
import { applyThresholds } from '../../src/models/thresholds.js';
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
  assert.deepEqual(tuneDecisionThresholds(targets, scores, K, { decide: (rows, t) => applyThresholds(selectRows(scores, rows, K), K, t) }), plain);
  // A rule under which per-genre thresholds decide nothing right: global is chosen.
  const seen: number[] = [];
  const spoiled = tuneDecisionThresholds(targets, scores, K, {
    decide: (rows, t) => {
      seen.push(rows.length);
      return typeof t === 'number' ? applyThresholds(selectRows(scores, rows, K), K, t) : new Uint8Array(rows.length * K);
    },
  });
  assert.equal(spoiled.thresholds.mode, 'global');
  assert.equal(spoiled.crossFitted.perGenre, 0);
  assert.deepEqual(spoiled.thresholds.perGenre, plain.thresholds.perGenre, 'the thresholds themselves are tuned as before');
  assert.deepEqual(seen, [300, 300, 300, 300], 'each half held out once, for each way');
});

/** Calibrated scores of genres with prevalences `prevalence`: sigmoid(logit(p_j) +- 2.5 + noise). */
function imbalanced(n: number, seed: number, prevalence: readonly number[]) {
  const rng = createRng(seed);
  const k = prevalence.length;
  const targets = new Float32Array(n * k);
  const scores = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const positive = rng.next() < prevalence[j];
      targets[i * k + j] = positive ? 1 : 0;
      const z = Math.log(prevalence[j] / (1 - prevalence[j])) + (positive ? 2.5 : -2.5) + (rng.next() - 0.5) * 3;
      scores[i * k + j] = 1 / (1 + Math.exp(-z));
    }
  }
  return { targets, scores, k };
}

test('rare genres under calibrated scores: prior-shifted thresholds are chosen for macro-F1 and cut rare genres lower', () => {
  const prevalence = [0.5, 0.3, 0.06, 0.03];
  const { targets, scores, k } = imbalanced(800, 4, prevalence);
  const priorLogOdds = genrePriorLogOdds(targets, k);
  const tuned = tuneDecisionThresholds(targets, scores, k, { priorLogOdds, objective: 'macro' });
  assert.equal(tuned.objective, 'macro');
  assert.notEqual(tuned.crossFitted.priorShift, null);
  assert.ok(tuned.thresholds.priorShift !== undefined && tuned.thresholds.priorShift > 0, JSON.stringify(tuned.crossFitted));
  assert.equal(tuned.thresholds.mode, 'perGenre');
  const cut = tuned.thresholds.perGenre!;
  assert.ok(cut[3] < cut[2] && cut[2] < cut[1] && cut[1] < cut[0], `rarer genres get lower thresholds: ${cut}`);
  // Scored on fresh rows from the same source, the shifted thresholds beat one global threshold on macro-F1.
  const fresh = imbalanced(4000, 5, prevalence);
  const shiftedMacro = objectiveValue(fresh.targets, applyThresholds(fresh.scores, k, cut), k, 'macro');
  const globalMacro = objectiveValue(fresh.targets, applyThresholds(fresh.scores, k, tuned.thresholds.global), k, 'macro');
  assert.ok(shiftedMacro > globalMacro + 0.02, `${shiftedMacro} vs ${globalMacro}`);
});

test('without prior log-odds no shift is tried; the objective decides between global and per-genre', () => {
  const { targets, scores, k } = imbalanced(400, 6, [0.5, 0.3, 0.06, 0.03]);
  const tuned = tuneDecisionThresholds(targets, scores, k, { objective: 'micro' });
  assert.equal(tuned.crossFitted.priorShift, null);
  assert.equal(tuned.thresholds.priorShift, undefined);
  assert.equal(tuned.thresholds.mode, tuned.crossFitted.perGenre > tuned.crossFitted.global ? 'perGenre' : 'global');
  // The micro objective's cross-fitted values are micro-F1s: they differ from the mean objective's.
  const mean = tuneDecisionThresholds(targets, scores, k);
  assert.equal(mean.objective, 'mean');
  assert.notEqual(mean.crossFitted.global, tuned.crossFitted.global);
});
