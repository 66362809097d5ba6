/** The hand-built JSON Lines are byte for byte JSON.stringify of `predict()`'s objects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatScores, formatScoresBytes } from '../../src/batch/format.js';
import { applyThresholds } from '../../src/models/thresholds.js';
import { GenreModel } from '../../src/models/genre-model.js';
import { createRng } from '../../src/util/random.js';

const GENRES = ['Comedies', 'Kids\' TV', 'Say "hi"', 'Back\\slash', 'Émigré ünicode', 'Tab\there'];

class FixedScores extends GenreModel {
  constructor(private readonly scores: Float32Array) {
    super(GENRES, { global: 0.5, perGenre: null, mode: 'global' });
  }
  async score(): Promise<Float32Array> {
    return this.scores;
  }
  async dispose(): Promise<void> {}
}

test('formatScores writes what JSON.stringify of predict() writes: ties, no genre over the threshold, topK, escapes', async () => {
  const rng = createRng(5);
  const n = 200;
  const k = GENRES.length;
  const scores = new Float32Array(n * k);
  for (let i = 0; i < scores.length; i++) scores[i] = rng.next();
  scores.fill(0.25, 0, k); // all tied, none over 0.5: the first genre stands in
  scores.fill(0.1, k, 2 * k);
  scores[k + 3] = 0.7;
  scores[k + 5] = 0.7; // a tie over the threshold
  // A quoted id, and a long non-ASCII one (more UTF-8 bytes than the byte writer first allocates).
  const ids = Array.from({ length: n }, (_, i) => (i === 2 ? 'id "quoted"\n' : i === 3 ? `${'é'.repeat(20000)}東京` : `t${i}`));
  for (const options of [{}, { topK: 3 }, { topK: 10, thresholds: 0.3 }, { thresholds: [0.9, 0.1, 0.5, 0.5, 0.2, 0.99] }]) {
    const model = new FixedScores(scores);
    const predictions = await model.predict(ids, options);
    const expected = predictions.map((p, i) => JSON.stringify({ id: ids[i], genres: p.genres, scores: p.scores, ...(p.top === undefined ? {} : { top: p.top }) }) + '\n').join('');
    const decided = applyThresholds(scores, k, options.thresholds ?? model.activeThresholds());
    assert.equal(formatScores(GENRES, ids, scores, decided, options.topK), expected);
    assert.equal(Buffer.from(formatScoresBytes(GENRES, ids, scores, decided, options.topK)).toString('utf8'), expected, 'the bytes are the same lines in UTF-8');
  }
});

test('with genre-set rules, the byte lines are JSON.stringify of predict(): ranking ties by raw score, removed genres, the cap', async () => {
  const { formatPredictionBytes } = await import('../../src/batch/format.js');
  const rng = createRng(8);
  const n = 300;
  const k = GENRES.length;
  const scores = new Float32Array(n * k);
  for (let i = 0; i < scores.length; i++) scores[i] = rng.next();
  scores.fill(0.6, 0, k); // all tied: the cap and the family keep genres by index
  const model = new FixedScores(scores);
  // Two families (the other family's genres go to 0 and tie; their raw scores rank them), a cap of 2.
  model.rules = { familyField: null, families: [{ value: 'Movie', genres: [GENRES[0], GENRES[2], GENRES[4]] }, { value: 'TV Show', genres: [GENRES[1], GENRES[3]] }], unknownFamily: 'max', maxGenres: 2 };
  const ids = Array.from({ length: n }, (_, i) => (i === 5 ? 'ünï "q"' : `r${i}`));
  let removedSeen = 0;
  for (const options of [{}, { topK: 4 }, { topK: 0 }, { topK: 6, thresholds: 0 }, { thresholds: [0.9, 0.1, 0.5, 0.5, 0.2, 0.99] }]) {
    const predictions = await model.predict(ids, options);
    removedSeen += predictions.filter((p) => p.removed !== undefined).length;
    const expected = predictions
      .map((p, i) => JSON.stringify({ id: ids[i], genres: p.genres, scores: p.scores, ...(p.top === undefined ? {} : { top: p.top }), ...(p.removed === undefined ? {} : { removed: p.removed }), ...(p.family === undefined ? {} : { family: p.family }) }) + '\n')
      .join('');
    assert.equal(Buffer.from(await formatPredictionBytes(model, ids, ids, options)).toString('utf8'), expected, JSON.stringify(options));
  }
  assert.ok(removedSeen > 100, `${removedSeen} rows with removed genres`);
});

test('--scores all|decided|none: each row is JSON.stringify of predict() restricted the same way; the default is all', async () => {
  const { formatPredictionBytes, formatPredictionLines } = await import('../../src/batch/format.js');
  const { restrictScores, SCORE_CHOICES } = await import('../../src/batch/score-choice.js');
  const rng = createRng(11);
  const n = 250;
  const k = GENRES.length;
  const scores = new Float32Array(n * k);
  for (let i = 0; i < scores.length; i++) scores[i] = rng.next();
  scores.fill(0.25, 0, k); // none over 0.5: the first genre stands in (its score is the decided one)
  scores[k + 1] = 1e-7; // numbers String() writes in exponent form
  scores[k + 2] = 0.9999999;
  const ids = Array.from({ length: n }, (_, i) => (i === 3 ? 'ïd "q"\n' : i === 4 ? `${'é'.repeat(5000)}東京` : `s${i}`));
  const plain = new FixedScores(scores);
  const ruled = new FixedScores(scores);
  ruled.rules = { familyField: null, families: [{ value: 'Movie', genres: [GENRES[0], GENRES[2], GENRES[4]] }, { value: 'TV Show', genres: [GENRES[1], GENRES[3]] }], unknownFamily: 'max', maxGenres: 2 };
  const shapes = new Set<string>();
  for (const model of [plain, ruled]) {
    for (const options of [{}, { topK: 3 }, { topK: 6, thresholds: 0.2 }, { thresholds: [0.9, 0.1, 0.5, 0.5, 0.2, 0.99] }]) {
      const predictions = await model.predict(ids, options);
      const reference = (choice: 'all' | 'decided' | 'none') =>
        predictions
          .map((p, i) => JSON.stringify({ id: ids[i], ...restrictScores(p, choice) }) + '\n')
          .join('');
      const byDefault = Buffer.from(await formatPredictionBytes(model, ids, ids, options)).toString('utf8');
      assert.equal(byDefault, reference('all'), `default = all, ${JSON.stringify(options)}`);
      for (const choice of SCORE_CHOICES) {
        const expected = reference(choice);
        const label = `${choice}, rules ${model.rules !== null}, ${JSON.stringify(options)}`;
        assert.equal(Buffer.from(await formatPredictionBytes(model, ids, ids, { ...options, scores: choice })).toString('utf8'), expected, label);
        assert.equal(await formatPredictionLines(model, ids, ids, { ...options, scores: choice }), expected, `text: ${label}`);
        const first = JSON.parse(expected.slice(0, expected.indexOf('\n'))) as Record<string, unknown>;
        shapes.add(`${choice}:${Object.keys(first).join(',')}`);
        if (choice !== 'all') {
          // Not vacuous: the restriction changed the row, and (decided) kept exactly the chosen genres' scores.
          assert.notEqual(expected, reference('all'));
          for (const line of expected.trimEnd().split('\n')) {
            const row = JSON.parse(line) as { genres: string[]; scores?: Record<string, number> };
            if (choice === 'none') assert.equal(row.scores, undefined);
            else assert.deepEqual(Object.keys(row.scores!).sort(), [...row.genres].sort());
          }
        }
      }
    }
  }
  assert.ok(shapes.has('none:id,genres'), [...shapes].join(' '));
  assert.ok(shapes.has('decided:id,genres,scores,top'), [...shapes].join(' '));
});

test('restrictScores keeps the keys in place: scores stays between genres and top', async () => {
  const { restrictScores } = await import('../../src/batch/score-choice.js');
  const p = { genres: ['B', 'A'], scores: { A: 0.6, B: 0.7, C: 0.1 }, top: [{ genre: 'B', score: 0.7 }], removed: ['C'] };
  assert.equal(JSON.stringify(restrictScores(p, 'all')), JSON.stringify(p));
  assert.equal(JSON.stringify(restrictScores(p, 'decided')), '{"genres":["B","A"],"scores":{"A":0.6,"B":0.7},"top":[{"genre":"B","score":0.7}],"removed":["C"]}');
  assert.equal(JSON.stringify(restrictScores(p, 'none')), '{"genres":["B","A"],"top":[{"genre":"B","score":0.7}],"removed":["C"]}');
});

test('--scores decided with every genre decided and listed in top, and the longest numbers: still JSON.stringify of predict()', async () => {
  const { formatPredictionBytes } = await import('../../src/batch/format.js');
  const { restrictScores } = await import('../../src/batch/score-choice.js');
  const n = 2000;
  const k = GENRES.length;
  const scores = new Float32Array(n * k);
  // Float32 values whose shortest double text is long: -1.1754942106924411e-38 and the like.
  for (let i = 0; i < scores.length; i++) scores[i] = (i % 3 === 0 ? 1.1754942106924411e-38 : 3.4028234663852886e-38) * (1 + (i % 7) / 7);
  const model = new FixedScores(scores);
  const ids = Array.from({ length: n }, (_, i) => String(i));
  const options = { topK: k, thresholds: 0, scores: 'decided' as const };
  const predictions = await model.predict(ids, options);
  const expected = predictions.map((p, i) => JSON.stringify({ id: ids[i], ...restrictScores(p, 'decided') }) + '\n').join('');
  assert.ok(expected.length / n > 2 * k * 20, `rows of ${Math.round(expected.length / n)} bytes`);
  assert.equal(Buffer.from(await formatPredictionBytes(model, ids, ids, options)).toString('utf8'), expected);
});

test('predict --input rows carry family as the API does: given by the row\'s own field, or chosen by the rule', async () => {
  const { formatPredictionBytes } = await import('../../src/batch/format.js');
  const scores = new Float32Array([0.9, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.8, 0.1, 0.7, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.1, 0.1]);
  class Reads extends FixedScores {
    override get inputFields(): readonly string[] {
      return ['type'];
    }
  }
  const model = new Reads(scores);
  model.rules = { familyField: 'type', families: [{ value: 'Movie', genres: [GENRES[0], GENRES[2], GENRES[4]] }, { value: 'TV "Show"', genres: [GENRES[1], GENRES[3], GENRES[5]] }], unknownFamily: 'max', maxGenres: 2 };
  const ids = ['a', 'b', 'c'];
  const fields: Record<string, string>[] = [{ type: 'TV "Show"' }, {}, { type: 'Cartoon' }];
  const lines = Buffer.from(await formatPredictionBytes(model, ids, ids, { fields, scores: 'none' })).toString('utf8').trimEnd().split('\n');
  const rows = lines.map((line) => JSON.parse(line) as { family?: unknown });
  assert.deepEqual(rows.map((r) => r.family), [{ value: 'TV "Show"', given: true }, { value: 'TV "Show"', given: false }, { value: 'Movie', given: false }]);
  const reference = (await model.predict(ids, { fields })).map((p, i) => JSON.stringify({ id: ids[i], genres: p.genres, ...(p.removed === undefined ? {} : { removed: p.removed }), family: p.family }));
  assert.deepEqual(lines, reference);
});
