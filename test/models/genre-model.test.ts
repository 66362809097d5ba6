/**
 * GenreModel's decisions with genre-set rules: the cap chooses by the thresholds actually used (the
 * saved per-genre ones, or a caller's), and scores constrained for one set of thresholds are not
 * decided with another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenreModel } from '../../src/models/genre-model.js';
import { applyThresholds } from '../../src/models/thresholds.js';
import { evaluateScores } from '../../src/evaluation/evaluate-scores.js';

/** A model that gives every text the same scores. */
class FixedModel extends GenreModel {
  constructor(private readonly row: number[], perGenre: number[]) {
    super(['A', 'B', 'C', 'D'], { global: 0.5, perGenre, mode: 'perGenre' });
    this.rules = { familyField: null, families: [], unknownFamily: 'total', maxGenres: 3 };
  }
  async score(texts: readonly string[]): Promise<Float32Array> {
    return Float32Array.from(texts.flatMap(() => this.row));
  }
  async dispose(): Promise<void> {}
}

test('predict: a genre that passes its per-genre threshold is kept while the title is under the cap', async () => {
  const model = new FixedModel([0.9, 0.8, 0.7, 0.6], [0.95, 0.95, 0.95, 0.5]);
  const [saved] = await model.predict(['a text']);
  assert.deepEqual(saved.genres, ['D']);
  assert.equal(saved.removed, undefined);
  assert.ok(saved.scores.D > 0.5);
  // A caller's global threshold: the cap keeps the three most probable, as it always did.
  const [global] = await model.predict(['a text'], { thresholds: 0.55 });
  assert.deepEqual(global.genres, ['A', 'B', 'C']);
  assert.deepEqual(global.removed, ['D']);
  // A caller's per-genre thresholds: the largest margins over them win (D +0.5, C +0.4, B +0.1; A +0.05 goes).
  const [own] = await model.predict(['a text'], { thresholds: [0.85, 0.7, 0.3, 0.1] });
  assert.deepEqual(own.genres, ['B', 'C', 'D']);
  assert.deepEqual(own.removed, ['A']);
});

test('decide refuses thresholds other than those the scores were constrained with', async () => {
  const model = new FixedModel([0.9, 0.8, 0.7, 0.6], [0.95, 0.95, 0.95, 0.5]);
  const scored = await model.scoreWithRules(['a text']);
  assert.deepEqual(model.decide(scored)[0].genres, ['D']);
  assert.deepEqual(model.decide(scored, { thresholds: [0.95, 0.95, 0.95, 0.5] })[0].genres, ['D']);
  assert.throws(() => model.decide(scored, { thresholds: 0.5 }), /differ from those the scores were constrained with/);
});

test('metrics at 0.5 decide on the rules as a global threshold applies them, not on scores capped for per-genre thresholds', async () => {
  // Per-genre thresholds 0.95 0.95 0.95 0.5: the model's cap keeps D and leaves A, B, C (below their
  // thresholds) with their scores, so at 0.5 those scores would give four genres, over the cap of 3.
  const model = new FixedModel([0.9, 0.8, 0.7, 0.6], [0.95, 0.95, 0.95, 0.5]);
  const { scores, raw } = await model.scoreWithRules(['a text']);
  assert.deepEqual([...applyThresholds(scores, 4, 0.5)], [1, 1, 1, 1], 'the model-capped scores are not for other thresholds');
  const global = model.constrainForGlobalThresholds(raw);
  assert.deepEqual([...global], [...Float32Array.of(0.9, 0.8, 0.7, 0)]);
  const truth = Float32Array.of(1, 0, 0, 1);
  const evaluation = evaluateScores(truth, scores, model.genres, [0.95, 0.95, 0.95, 0.5], 1, raw, global);
  assert.equal(evaluation.atHalf.microF1, 2 * 1 / (2 * 1 + 2 + 1), 'at 0.5: A, B, C predicted (1 right, 2 wrong), D missed');
  assert.equal(evaluation.tuned.microF1, 2 * 1 / (2 * 1 + 0 + 1), 'tuned: D alone');
});
