import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapMicroF1,
  computeMetrics,
  macroF1,
  microF1,
} from '../../src/evaluation/metrics.js';
import { createRng } from '../../src/util/random.js';

function close(actual: number | null, expected: number, message?: string): void {
  assert.ok(actual !== null, message ?? 'expected a number, got null');
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message ?? ''} expected ${expected}, got ${actual}`);
}

/*
 * Example A: 3 items x 3 genres (a, b, c).
 *
 *          truth     predicted   scores
 *   i0    1 0 1      1 1 0       0.9 0.6 0.4
 *   i1    0 1 0      0 1 0       0.2 0.8 0.2
 *   i2    1 1 0      1 0 0       0.7 0.4 0.4
 *
 * Per genre:  a: tp 2 fp 0 fn 0 -> P 1,   R 1,   F1 1
 *             b: tp 1 fp 1 fn 1 -> P 1/2, R 1/2, F1 2/(2+1+1) = 1/2
 *             c: tp 0 fp 0 fn 1 -> P 0 (zero_division), R 0, F1 0
 * Micro: tp 3 fp 1 fn 2 -> P 3/4, R 3/5, F1 6/(6+1+2) = 2/3
 * Macro F1 = (1 + 1/2 + 0)/3 = 1/2
 * Samples F1: i0 tp1 fp1 fn1 -> 2/4 = 1/2; i1 tp1 -> 1; i2 tp1 fn1 -> 2/3;
 *             mean (3/6 + 6/6 + 4/6)/3 = 13/18
 * Subset accuracy: only i1 matches exactly -> 1/3
 * Hamming loss: mismatches i0 {b,c}, i2 {b} = 3 of 9 cells -> 1/3
 * P@1: top genres a, b, a are all true -> 1
 * P@3 (all 3 genres): (2/3 + 1/3 + 2/3)/3 = 5/9
 * LRAP (rank = #labels scoring >= s_j, L = #true labels scoring >= s_j):
 *   i0 true {a .9, c .4}: a rank 1 L 1 -> 1; c rank 3 L 2 -> 2/3; mean 5/6
 *   i1 true {b .8}: rank 1 L 1 -> 1
 *   i2 true {a .7, b .4}: a -> 1; b ties with c at .4, so rank 3 L 2 -> 2/3; mean 5/6
 *   LRAP = (5/6 + 1 + 5/6)/3 = 8/9
 * ROC-AUC (pairs positive vs negative, a tie counts 1/2):
 *   a: pos {.9,.7} vs neg {.2}: 2/2 -> 1
 *   b: pos {.8,.4} vs neg {.6}: .8>.6 yes, .4<.6 no -> 1/2
 *   c: pos {.4} vs neg {.2,.4}: 1 + 1/2 -> 3/4 (avg ranks: .2->1, .4,.4->2.5; (2.5-1)/(1*2) = 3/4)
 *   macro AUC = (1 + 1/2 + 3/4)/3 = 3/4
 */
const truthA = new Float32Array([1, 0, 1, 0, 1, 0, 1, 1, 0]);
const predA = new Uint8Array([1, 1, 0, 0, 1, 0, 1, 0, 0]);
const scoresA = new Float32Array([0.9, 0.6, 0.4, 0.2, 0.8, 0.2, 0.7, 0.4, 0.4]);

test('hand-worked 3x3 example matches sklearn definitions', () => {
  const m = computeMetrics(truthA, scoresA, predA, ['a', 'b', 'c']);
  assert.equal(m.count, 3);
  close(m.microPrecision, 3 / 4, 'microPrecision');
  close(m.microRecall, 3 / 5, 'microRecall');
  close(m.microF1, 2 / 3, 'microF1');
  close(m.macroF1, 1 / 2, 'macroF1');
  close(m.macroF1Supported, 1 / 2, 'macroF1Supported');
  close(m.samplesF1, 13 / 18, 'samplesF1');
  close(m.subsetAccuracy, 1 / 3, 'subsetAccuracy');
  close(m.hammingLoss, 1 / 3, 'hammingLoss');
  close(m.precisionAt1, 1, 'P@1');
  close(m.precisionAt3, 5 / 9, 'P@3');
  close(m.lrap, 8 / 9, 'lrap');
  close(m.macroAuc, 3 / 4, 'macroAuc');

  const [a, b, c] = m.perGenre;
  assert.deepEqual(
    { genre: a.genre, support: a.support, predicted: a.predicted },
    { genre: 'a', support: 2, predicted: 2 },
  );
  close(a.precision, 1);
  close(a.recall, 1);
  close(a.f1, 1);
  close(a.auc, 1);
  assert.equal(b.support, 2);
  assert.equal(b.predicted, 2);
  close(b.precision, 1 / 2);
  close(b.recall, 1 / 2);
  close(b.f1, 1 / 2);
  close(b.auc, 1 / 2);
  assert.equal(c.support, 1);
  assert.equal(c.predicted, 0);
  assert.equal(c.precision, 0);
  assert.equal(c.recall, 0);
  assert.equal(c.f1, 0);
  close(c.auc, 3 / 4);
});

test('fast helpers agree with computeMetrics', () => {
  close(microF1(truthA, predA, 3), 2 / 3);
  close(macroF1(truthA, predA, 3), 1 / 2);
});

/*
 * Example B: example A plus a genre d that no item has and nothing predicts (scores 0.1).
 *   d: tp 0 fp 0 fn 0 -> F1 0 (zero_division=0), AUC undefined (column all 0) -> null
 *   macro F1 (sklearn default, d included) = (1 + 1/2 + 0 + 0)/4 = 3/8
 *   macro F1 over supported genres a, b, c = (1 + 1/2 + 0)/3 = 1/2
 *   micro F1 unchanged 2/3; Hamming loss 3 mismatches of 12 cells = 1/4
 *   d scores lowest everywhere, so LRAP (8/9), P@3 (5/9) and macro AUC over a..c (3/4) are unchanged.
 */
test('zero-support genre: F1 0 and counted in macroF1, excluded from macroF1Supported, AUC null', () => {
  const truth = new Float32Array([1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0]);
  const pred = new Uint8Array([1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
  const scores = new Float32Array([0.9, 0.6, 0.4, 0.1, 0.2, 0.8, 0.2, 0.1, 0.7, 0.4, 0.4, 0.1]);
  const m = computeMetrics(truth, scores, pred, ['a', 'b', 'c', 'd']);
  const d = m.perGenre[3];
  assert.deepEqual(d, { genre: 'd', precision: 0, recall: 0, f1: 0, support: 0, predicted: 0, auc: null });
  close(m.macroF1, 3 / 8, 'macroF1');
  close(m.macroF1Supported, 1 / 2, 'macroF1Supported');
  close(m.microF1, 2 / 3, 'microF1');
  close(m.hammingLoss, 1 / 4, 'hammingLoss');
  close(m.lrap, 8 / 9, 'lrap');
  close(m.precisionAt3, 5 / 9, 'P@3');
  close(m.macroAuc, 3 / 4, 'macroAuc');
  close(macroF1(truth, pred, 4), 3 / 8);
});

test('AUC is null for a column of all 1s and macroAuc is null when no genre has one', () => {
  // 2 items x 2 genres; genre a is on for both items, genre b for neither.
  const truth = new Float32Array([1, 0, 1, 0]);
  const scores = new Float32Array([0.9, 0.1, 0.8, 0.3]);
  const pred = new Uint8Array([1, 0, 1, 0]);
  const m = computeMetrics(truth, scores, pred, ['a', 'b']);
  assert.equal(m.perGenre[0].auc, null);
  assert.equal(m.perGenre[1].auc, null);
  assert.equal(m.macroAuc, null);
});

/*
 * Perfect predictions, 4 items x 4 genres, scores equal to the truth (so with many ties):
 *   i0 1 0 0 0 | i1 0 1 1 0 | i2 1 0 1 1 | i3 0 1 0 1
 * Every F1, subset accuracy, P@1, LRAP and AUC is 1; Hamming loss 0.
 * LRAP with ties: each true label scores 1, rank = #true = L, so every ratio is 1.
 * P@3 divides by 3 even when an item has fewer true genres: (1 + 2 + 3 + 2)/3 / 4 = 2/3.
 */
test('perfect predictions score 1 everywhere (P@3 capped by genres per item)', () => {
  const truth = new Float32Array([1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
  const pred = Uint8Array.from(truth);
  const m = computeMetrics(truth, truth, pred, ['a', 'b', 'c', 'd']);
  for (const key of ['microF1', 'microPrecision', 'microRecall', 'macroF1', 'macroF1Supported', 'samplesF1',
    'subsetAccuracy', 'precisionAt1', 'lrap', 'macroAuc'] as const) {
    assert.equal(m[key], 1, key);
  }
  assert.equal(m.hammingLoss, 0);
  close(m.precisionAt3, 2 / 3);
  for (const g of m.perGenre) {
    assert.equal(g.f1, 1);
    assert.equal(g.auc, 1);
  }
});

/*
 * LRAP edge cases, 3 items x 2 genres:
 *   i0 truth 0 0 -> no true labels: 1 (sklearn)
 *   i1 truth 1 1 -> all labels true: 1 (sklearn)
 *   i2 truth 1 0, scores .3 .6 -> a: rank 2 (.6 and .3 are >= .3), L 1 -> 1/2
 *   LRAP = (1 + 1 + 1/2)/3 = 5/6
 * Samples F1 with the all-empty i0 (predicted 0 0) is 0 under zero_division=0.
 */
test('LRAP counts items with no (or all) true labels as 1', () => {
  const truth = new Float32Array([0, 0, 1, 1, 1, 0]);
  const scores = new Float32Array([0.2, 0.7, 0.1, 0.9, 0.3, 0.6]);
  const pred = new Uint8Array([0, 0, 1, 1, 1, 0]);
  const m = computeMetrics(truth, scores, pred, ['a', 'b']);
  close(m.lrap, 5 / 6);
  // i0: 0 (nothing true, nothing predicted), i1: 1, i2: 1 -> 2/3
  close(m.samplesF1, 2 / 3);
});

test('P@1 takes the lower column on tied top scores', () => {
  // 1 item, scores tie at .5 for a (false) and b (true): a is taken -> P@1 = 0.
  const m = computeMetrics(new Float32Array([0, 1]), new Float32Array([0.5, 0.5]), new Uint8Array([0, 1]), ['a', 'b']);
  assert.equal(m.precisionAt1, 0);
  // LRAP: b rank 2 (both >= .5), L 1 -> 1/2; AUC undefined for both single-item columns.
  close(m.lrap, 1 / 2);
});

test('mismatched shapes are rejected', () => {
  assert.throws(() => computeMetrics(truthA, scoresA.subarray(0, 6), predA, ['a', 'b', 'c']), RangeError);
  assert.throws(() => computeMetrics(truthA, scoresA, predA, ['a', 'b']), RangeError);
  assert.throws(() => microF1(truthA, predA.subarray(0, 3), 3), RangeError);
});

/** 300 items x 6 genres, predictions = truth with about 20% of cells flipped. */
function noisyExample(): { truth: Float32Array; pred: Uint8Array; k: number } {
  const rng = createRng(7);
  const n = 300;
  const k = 6;
  const truth = new Float32Array(n * k);
  const pred = new Uint8Array(n * k);
  for (let c = 0; c < n * k; c++) {
    truth[c] = rng.next() < 0.3 ? 1 : 0;
    pred[c] = rng.next() < 0.2 ? 1 - truth[c] : truth[c];
  }
  return { truth, pred, k };
}

test('bootstrap interval is deterministic per seed and contains the point estimate', () => {
  const { truth, pred, k } = noisyExample();
  const point = microF1(truth, pred, k);
  const first = bootstrapMicroF1(truth, pred, k, { seed: 42, samples: 500 });
  const again = bootstrapMicroF1(truth, pred, k, { seed: 42, samples: 500 });
  assert.deepEqual(first, again);
  assert.ok(first.low < point && point < first.high, `${point} not in [${first.low}, ${first.high}]`);
  assert.ok(first.low <= first.mean && first.mean <= first.high);
  assert.ok(Math.abs(first.mean - point) < 0.02);
  const other = bootstrapMicroF1(truth, pred, k, { seed: 43, samples: 500 });
  assert.notDeepEqual(first, other);
  // Same seed, same replicates: the 50% interval lies inside the 95% one.
  const narrow = bootstrapMicroF1(truth, pred, k, { seed: 42, samples: 500, confidence: 0.5 });
  assert.ok(first.low <= narrow.low && narrow.high <= first.high);
});

test('bootstrap of perfect predictions is the point 1', () => {
  const truth = new Float32Array([1, 0, 0, 1, 1, 1]);
  assert.deepEqual(bootstrapMicroF1(truth, Uint8Array.from(truth), 2, { seed: 1, samples: 50 }), {
    low: 1,
    high: 1,
    mean: 1,
  });
});
