import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  precisionRecallCurve,
  tuneGlobalThreshold,
  tunePerGenreThresholds,
  genrePriorLogOdds,
  priorShiftedThresholds,
  tunePriorShiftedThresholds,
} from '../../src/evaluation/thresholds.js';

function close(actual: number, expected: number, message?: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? ''} expected ${expected}, got ${actual}`);
}

/*
 * Constructed tuning example, 3 items x 2 genres (4 true cells):
 *   i0 truth 1 0  scores .9  .3
 *   i1 truth 1 1  scores .6  .33
 *   i2 truth 0 1  scores .4  .8
 * micro F1 = 2tp/(2tp+fp+fn) by threshold t (fallback: nothing on -> best genre):
 *   t <= .30       all but none off: tp 4 fp 2 fn 0 -> 8/10 = 0.8
 *   .30 < t <= .33 .9 .6 .33 .4 .8 on: tp 4 fp 1 fn 0 -> 8/9  (the optimum)
 *   .33 < t <= .40 .9 .6 .4 .8 on:     tp 3 fp 1 fn 1 -> 6/8 = 0.75
 *   .40 < t <= .60 .9 .6 .8 on:        tp 3 fp 0 fn 1 -> 6/7
 *   t > .60        fallbacks pick a(.6) for i1, b(.8) for i2, a for i0: still tp 3 fp 0 fn 1 -> 6/7
 * On the default grid the optimum plateau is {0.31, 0.32, 0.33}; ties go toward 0.5 -> 0.33.
 */
const truthT = new Float32Array([1, 0, 1, 1, 0, 1]);
const scoresT = new Float32Array([0.9, 0.3, 0.6, 0.33, 0.4, 0.8]);

test('tuneGlobalThreshold finds the known optimum', () => {
  const tuned = tuneGlobalThreshold(truthT, scoresT, 2);
  assert.equal(tuned.threshold, 0.33);
  close(tuned.microF1, 8 / 9);
  const custom = tuneGlobalThreshold(truthT, scoresT, 2, { grid: [0.2, 0.32, 0.5, 0.7, 0.95] });
  assert.equal(custom.threshold, 0.32);
  close(custom.microF1, 8 / 9);
});

test('tuneGlobalThreshold breaks ties toward 0.5', () => {
  // All three give 6/7 (see table above).
  const tuned = tuneGlobalThreshold(truthT, scoresT, 2, { grid: [0.7, 0.95, 0.55] });
  assert.equal(tuned.threshold, 0.55);
  close(tuned.microF1, 6 / 7);
});

test('precisionRecallCurve follows the same rule as the tuner', () => {
  const curve = precisionRecallCurve(truthT, scoresT, 2);
  assert.equal(curve.length, 91);
  assert.equal(curve[0].threshold, 0.05);
  assert.equal(curve[90].threshold, 0.95);
  const at33 = curve.find((p) => p.threshold === 0.33)!;
  close(at33.microPrecision, 4 / 5);
  close(at33.microRecall, 1);
  close(at33.microF1, 8 / 9);
  // At .95 only fallbacks remain: tp 3 fp 0 fn 1 -> P 1, R 3/4 (recall does not drop to 0).
  close(curve[90].microPrecision, 1);
  close(curve[90].microRecall, 3 / 4);
  const best = Math.max(...curve.map((p) => p.microF1));
  close(best, tuneGlobalThreshold(truthT, scoresT, 2).microF1);
});

/*
 * Per-genre example, 8 items x 2 genres:
 *   genre a: items 0-5 true with scores .9 .88 .86 .84 .82 .8; items 6, 7 false with .75 .7
 *            -> a's F1 is 1 exactly for .75 < t <= .8, grid {.76..0.80}; closest to start .5 -> 0.76
 *   genre b: items 6, 7 true with scores .9, .2; items 0-5 false with .1 -> support 2
 */
const truthP = new Float32Array(16);
const scoresP = new Float32Array(16);
[0.9, 0.88, 0.86, 0.84, 0.82, 0.8, 0.75, 0.7].forEach((s, i) => {
  scoresP[i * 2] = s;
  truthP[i * 2] = i < 6 ? 1 : 0;
});
[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.2].forEach((s, i) => {
  scoresP[i * 2 + 1] = s;
  truthP[i * 2 + 1] = i >= 6 ? 1 : 0;
});

test('per-genre: genres below minSupport keep the start threshold', () => {
  /*
   * shrink 0 (no shrinkage): thresholds [.76, .5] (b has support 2 < 5).
   * Reported with the fallback: item 7 has a .7 < .76 and b .2 < .5 -> nothing on -> best genre a (fp).
   *   a: tp 6 fp 1 fn 0 -> F1 12/13;  b: item 6 on (tp), item 7 off (fn) -> F1 2/3
   *   micro tp 7 fp 1 fn 1 -> 14/16 = 7/8;  macro (12/13 + 2/3)/2 = 31/39
   */
  const tuned = tunePerGenreThresholds(truthP, scoresP, 2, { start: 0.5, shrink: 0 });
  close(tuned.thresholds[0], 0.76);
  assert.equal(tuned.thresholds[1], 0.5);
  close(tuned.microF1, 7 / 8);
  close(tuned.macroF1, 31 / 39);

  // With minSupport 2, b is tuned too: F1 1 for .1 < t <= .2, closest to .5 -> 0.2; all cells right.
  const both = tunePerGenreThresholds(truthP, scoresP, 2, { start: 0.5, shrink: 0, minSupport: 2 });
  close(both.thresholds[0], 0.76);
  close(both.thresholds[1], 0.2);
  close(both.microF1, 1);
  close(both.macroF1, 1);
});

test('per-genre: tuned thresholds are shrunk toward start by minSupport pseudo-observations', () => {
  // Default shrink = minSupport = 5: a -> (6 * 0.76 + 5 * 0.5) / 11 = 7.06 / 11.
  const tuned = tunePerGenreThresholds(truthP, scoresP, 2, { start: 0.5 });
  close(tuned.thresholds[0], 7.06 / 11);
  assert.equal(tuned.thresholds[1], 0.5);
});

test('per-genre: start defaults to the tuned global threshold', () => {
  const global = tuneGlobalThreshold(truthP, scoresP, 2).threshold;
  const tuned = tunePerGenreThresholds(truthP, scoresP, 2);
  assert.equal(tuned.thresholds[1], global);
});

test('genrePriorLogOdds: add-one smoothed training log-odds per genre', () => {
  // 4 rows x 2 genres: genre 0 on 3 rows, genre 1 on none.
  const targets = new Float32Array([1, 0, 1, 0, 1, 0, 0, 0]);
  const l = genrePriorLogOdds(targets, 2);
  close(l[0], Math.fround(Math.log(4 / 6 / (2 / 6))), 'genre 0: (3+1)/(4+2), float32');
  close(l[1], Math.fround(Math.log(1 / 6 / (5 / 6))), 'genre 1: (0+1)/(4+2), float32');
  assert.throws(() => genrePriorLogOdds(new Float32Array(3), 2), RangeError);
});

test('prior-shifted thresholds: shift 0 is the global threshold; a shift moves each genre by its log-odds', () => {
  const flat = tunePriorShiftedThresholds(truthT, scoresT, 2, new Float32Array([-2, 1]), 0);
  const global = tuneGlobalThreshold(truthT, scoresT, 2);
  close(flat.threshold, global.threshold);
  close(flat.microF1, global.microF1);
  flat.thresholds.forEach((t) => close(t, global.threshold));
  const moved = priorShiftedThresholds(0.5, new Float32Array([-2, 1]), 0.5);
  close(moved[0], 1 / (1 + Math.exp(1)), 'logit 0 + 0.5 * -2');
  close(moved[1], 1 / (1 + Math.exp(-0.5)), 'logit 0 + 0.5 * 1');
  assert.throws(() => tunePriorShiftedThresholds(truthT, scoresT, 2, new Float32Array(3), 0.5), RangeError);
});
