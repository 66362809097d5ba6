import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainFieldModel } from '../../../src/models/fields/field-model.js';
import { fitLogitFusion, fuse } from '../../../src/models/fields/logit-fusion.js';

/** Feature 0 means genre 0, feature 1 means genre 1; feature 2 is noise. */
function dataset(n: number, seed: number) {
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const rows: Int32Array[] = [];
  const targets = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const g = random() < 0.5 ? 0 : 1;
    targets[i * 2 + g] = 1;
    rows.push(Int32Array.from(random() < 0.5 ? [g, 2] : [g]));
  }
  return { rows, targets };
}

test('a field model learns a learnable case, far better than the base rates, the same for the same seed', () => {
  const train = dataset(400, 1);
  const validation = dataset(100, 2);
  const run = () =>
    trainFieldModel(3, 2, { rows: 400, targets: train.targets, vectorize: (i) => train.rows[i] }, validation, [], { seed: 3 });
  const { model, history, bestEpoch } = run();
  const logits = model.logits(validation.rows);
  let correct = 0;
  for (let i = 0; i < 100; i++) correct += (logits[i * 2] > logits[i * 2 + 1] ? 0 : 1) === (validation.targets[i * 2] === 1 ? 0 : 1) ? 1 : 0;
  assert.equal(correct, 100);
  assert.ok(history[bestEpoch - 1].validationLoss < 0.2, `validation loss ${history[bestEpoch - 1].validationLoss}`);
  assert.deepEqual(run().model.toJSON(), model.toJSON());
});

test('field dropout leaves fields out at random during training only', () => {
  const train = dataset(200, 4);
  const seen: number[] = [];
  trainFieldModel(
    3,
    2,
    {
      rows: 200,
      targets: train.targets,
      vectorize: (i, drop) => {
        seen.push(drop?.has('f') ? 1 : 0);
        return drop?.has('f') ? new Int32Array(0) : train.rows[i];
      },
    },
    { rows: [], targets: new Float32Array(0) },
    ['f'],
    { seed: 1, settings: { epochs: 2, fieldDropout: 0.25 } },
  );
  const share = seen.reduce((a, b) => a + b, 0) / seen.length;
  assert.ok(share > 0.18 && share < 0.32, `dropped ${share}`);
});

test('the logit fusion recovers the weights that made the labels', () => {
  let s = 11;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const n = 20000;
  const text = new Float32Array(n);
  const field = new Float32Array(n);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = (random() - 0.5) * 6;
    field[i] = (random() - 0.5) * 6;
    text[i] = 1 / (1 + Math.exp(-a));
    targets[i] = random() < 1 / (1 + Math.exp(-(0.5 * a + 1.5 * field[i] - 1))) ? 1 : 0;
  }
  const fusion = fitLogitFusion(text, field, targets, 1, { perGenreRidge: null });
  assert.ok(Math.abs(fusion.text - 0.5) < 0.1, JSON.stringify(fusion));
  assert.ok(Math.abs(fusion.fields - 1.5) < 0.1, JSON.stringify(fusion));
  assert.ok(Math.abs(fusion.bias + 1) < 0.1, JSON.stringify(fusion));
  assert.equal(fusion.genres, undefined);
  const p = fuse(Float32Array.of(0.5), Float32Array.of(0), fusion, 1)[0];
  assert.ok(Math.abs(p - 1 / (1 + Math.exp(-fusion.bias))) < 1e-6);
});

test('per-genre fusion weights follow each genre, and a genre with little data stays near the shared ones', () => {
  let s = 5;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  // Genre 0 is told by the text, genre 1 by the fields; 10,000 titles each. Genre 2 has 6 titles.
  const k = 3;
  const n = 10000;
  const text = new Float32Array(n * k).fill(0.5);
  const field = new Float32Array(n * k);
  const targets = new Float32Array(n * k);
  const truth = [
    [2, 0.2, 0],
    [0.2, 2, 0],
  ];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 2; j++) {
      const a = (random() - 0.5) * 6;
      const b = (random() - 0.5) * 6;
      text[i * k + j] = 1 / (1 + Math.exp(-a));
      field[i * k + j] = b;
      targets[i * k + j] = random() < 1 / (1 + Math.exp(-(truth[j][0] * a + truth[j][1] * b))) ? 1 : 0;
    }
    if (i < 6) targets[i * k + 2] = i % 2;
  }
  const fusion = fitLogitFusion(text, field, targets, k);
  const per = fusion.genres!;
  assert.ok(Math.abs(per.text[0] - 2) < 0.2 && Math.abs(per.fields[0] - 0.2) < 0.1, JSON.stringify(per));
  assert.ok(Math.abs(per.text[1] - 0.2) < 0.1 && Math.abs(per.fields[1] - 2) < 0.2, JSON.stringify(per));
  // Genre 2: its 6 cells carry no signal (text 0.5, field 0), so the ridge keeps its weights at the shared ones.
  assert.ok(Math.abs(per.text[2] - fusion.text) < 1e-6 && Math.abs(per.fields[2] - fusion.fields) < 1e-6, JSON.stringify(fusion));
  // fuse uses each genre's own weights.
  const p = fuse(Float32Array.of(0.9, 0.9, 0.5), Float32Array.of(0, 0, 0), fusion, k);
  const z0 = per.text[0] * Math.log(9) + per.bias[0];
  assert.ok(Math.abs(p[0] - 1 / (1 + Math.exp(-z0))) < 1e-5);
  assert.ok(p[0] > p[1]);
  assert.throws(() => fuse(Float32Array.of(0.5, 0.5), Float32Array.of(0, 0), fusion, 2), /per-genre weights for 3/);
});

test('class weighting raises a rare genre\'s scores where its evidence is', () => {
  // Feature 0 on every 5th title; genre 1 on a quarter of those (5% of titles), genre 0 on the rest.
  const rows: Int32Array[] = [];
  const targets = new Float32Array(800 * 2);
  for (let i = 0; i < 800; i++) {
    const cue = i % 5 === 0;
    rows.push(Int32Array.from(cue ? [0] : [1]));
    targets[i * 2 + (cue && i % 20 === 0 ? 1 : 0)] = 1;
  }
  const probability = (classWeighting: 'none' | 'balanced') => {
    const { model } = trainFieldModel(2, 2, { rows: 800, targets, vectorize: (i) => rows[i] }, { rows, targets }, [], {
      seed: 5,
      settings: { classWeighting, epochs: 60, patience: 60 },
    });
    return 1 / (1 + Math.exp(-model.logits([Int32Array.from([0])])[1]));
  };
  const plain = probability('none');
  const balanced = probability('balanced');
  // Unweighted, the cue means genre 1 a quarter of the time; balanced (19x more weight on positives), most of it.
  assert.ok(plain < 0.4, `unweighted ${plain}`);
  assert.ok(balanced > 0.6, `balanced ${balanced}`);
});
