/**
 * runCompare in process on a small learnable dataset (one keyword per genre): the rows it reports, the
 * failures it contains, seeded repeatability, saved models and the report folder written from it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import { runCompare, type RunCompareOptions } from '../../src/compare/run-compare.js';
import { parseCompareConfig } from '../../src/compare/compare-config.js';
import { loadModel } from '../../src/models/storage.js';
import { writeReport } from '../../src/report/write-report.js';
import { CHARTS } from '../../src/report/chart-catalog.js';
import type { ComparedModel, CompareReport } from '../../src/report/report-data.js';
import { KEYWORD_GENRES, keywordDataset } from '../helpers/keyword-dataset.js';
import { fixtureFolder } from '../helpers/files.js';

const files = fixtureFolder('run-compare');
const SIZE = 200;
const K = KEYWORD_GENRES.length;
const dataset = keywordDataset(SIZE, 11);
const ids = dataset.texts.map((_, i) => `s${i + 1}`);
/** Every fifth title is in test. */
const isTest = ids.map((_, i) => i % 5 === 4);
const genresOf = (i: number): string[] => KEYWORD_GENRES.filter((_, g) => dataset.targets[i * K + g] === 1);

const csvField = (value: string): string => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const data = files('titles.csv', 'show_id,description,listed_in\n' + ids.map((id, i) => [id, dataset.texts[i], genresOf(i).join(', ')].map(csvField).join(',')).join('\n') + '\n');
const split = files('split.csv', 'show_id,fold\n' + ids.map((id, i) => `${id},${isTest[i] ? 'test' : 'train'}`).join('\n') + '\n');

const MODELS = [
  { kind: 'bag', epochs: 2, config: { buckets: 4096, embeddingDim: 16 } },
  { kind: 'cnn', epochs: 2, config: { embeddingDim: 8, filters: 8, widths: [2, 3] } },
  // Valid as a config, fails when its turn comes: the encoder folder does not exist.
  { kind: 'onnx', encoder: '/nonexistent/plotline-test-encoder' },
  { ensemble: ['bag', 'cnn'] },
  { ensemble: ['bag', 'onnx'] },
];
const NAMES = ['bag', 'cnn', 'onnx', 'bag+cnn', 'bag+onnx'];

function options(modelsDir: string | null, events: string[] = []): RunCompareOptions {
  const config = parseCompareConfig({ data, split, seed: 5, models: MODELS });
  return {
    config: { ...config, data, seed: 5 },
    cacheDir: null,
    modelsDir,
    timingSample: 64,
    hooks: {
      onModelStart: (name, index, total) => events.push(`start ${name} ${index + 1}/${total}`),
      onModelEnd: (row) => events.push(`end ${row.name} ${row.status}`),
    },
  };
}

let first: CompareReport;
let second: CompareReport;
const events: string[] = [];
const modelsDir = join(files.dir, 'models');

before(async () => {
  await useBackend('wasm');
  first = await runCompare(options(null, events));
  second = await runCompare(options(modelsDir));
});

const row = (report: CompareReport, name: string): ComparedModel => {
  const found = report.models.find((m) => m.name === name);
  assert.ok(found, `no row named ${name}`);
  return found;
};

const inUnit = (x: number, what: string): void => assert.ok(Number.isFinite(x) && x >= 0 && x <= 1, `${what} = ${x} is not in [0, 1]`);

test('one row per model, in config order, with hooks called around each', () => {
  assert.deepEqual(
    first.models.map((m) => m.name),
    NAMES,
  );
  assert.deepEqual(
    first.models.map((m) => m.kind),
    ['bag', 'cnn', 'onnx', 'ensemble', 'ensemble'],
  );
  assert.deepEqual(
    first.models.map((m) => m.status),
    ['ok', 'ok', 'failed', 'ok', 'failed'],
  );
  assert.deepEqual(
    events,
    NAMES.flatMap((name, i) => [`start ${name} ${i + 1}/${NAMES.length}`, `end ${name} ${first.models[i].status}`]),
  );
});

test('the data section and genres describe the files and folds', () => {
  assert.deepEqual(first.genres, KEYWORD_GENRES);
  assert.equal(first.seed, 5);
  assert.equal(first.data.file, data);
  assert.equal(first.data.split, split);
  assert.match(first.data.sha256, /^[0-9a-f]{64}$/);
  const tests = isTest.filter(Boolean).length;
  assert.equal(first.data.testSize, tests);
  assert.equal(first.data.trainSize + first.data.validationSize, SIZE - tests);
  assert.ok(first.data.validationSize > 0 && first.data.trainSize > first.data.validationSize);
  assert.ok(first.seconds > 0);
  assert.ok(first.versions.plotline && first.versions.tfjs && first.versions.node);
  assert.ok(!Number.isNaN(Date.parse(first.createdAt)));
});

test('genreCounts equal the counts computed from the data and split', () => {
  const train = new Array<number>(K).fill(0);
  const testCounts = new Array<number>(K).fill(0);
  ids.forEach((_, i) => {
    for (const genre of genresOf(i)) (isTest[i] ? testCounts : train)[KEYWORD_GENRES.indexOf(genre)]++;
  });
  assert.deepEqual(first.genreCounts, { train, test: testCounts });
});

test('failed rows say why: the onnx model\'s encoder folder is missing, and the ensemble names its failed member', () => {
  const onnx = row(first, 'onnx');
  assert.match(onnx.error ?? '', /plotline-test-encoder: not found/);
  const ensemble = row(first, 'bag+onnx');
  assert.match(ensemble.error ?? '', /"onnx"/);
  for (const failed of [onnx, ensemble]) {
    assert.equal(failed.test, undefined);
    assert.equal(failed.history, undefined);
    assert.equal(failed.modelDir, undefined);
    assert.doesNotMatch(failed.error ?? '', /\n/, 'the error is one line');
  }
});

test('every ok row has test metrics in [0, 1], a per-genre F1 for each genre, a threshold curve and costs', () => {
  for (const m of first.models.filter((r) => r.status === 'ok')) {
    const t = m.test;
    assert.ok(t, `${m.name} has a test section`);
    for (const set of [t.atHalf, t.tuned]) for (const [key, value] of Object.entries(set)) inUnit(value, `${m.name} ${key}`);
    inUnit(t.microF1Interval.low, `${m.name} interval low`);
    inUnit(t.microF1Interval.high, `${m.name} interval high`);
    assert.ok(t.microF1Interval.low <= t.microF1Interval.high);
    inUnit(t.precisionAt1, `${m.name} P@1`);
    inUnit(t.lrap, `${m.name} LRAP`);
    if (t.macroAuc !== null) inUnit(t.macroAuc, `${m.name} macro AUC`);
    assert.equal(t.perGenreF1.length, first.genres.length);
    t.perGenreF1.forEach((f1, g) => inUnit(f1, `${m.name} F1 of ${first.genres[g]}`));
    assert.ok(t.thresholdCurve.length > 0, `${m.name} has a threshold curve`);
    for (const point of t.thresholdCurve) for (const [key, value] of Object.entries(point)) inUnit(value, `${m.name} curve ${key}`);
    assert.ok((m.parameters?.trained ?? 0) > 0, `${m.name} has trained parameters`);
    assert.ok((m.parameters?.frozen ?? -1) >= 0);
    assert.ok((m.sizeBytes ?? 0) > 0, `${m.name} has a size`);
    assert.ok((m.predictionsPerSecond ?? 0) > 0 && Number.isFinite(m.predictionsPerSecond), `${m.name} predictions/s = ${m.predictionsPerSecond}`);
    assert.ok((m.trainSeconds ?? -1) >= 0);
    assert.equal(m.embeddingsCached, undefined, 'from-scratch kinds embed nothing');
    assert.equal(m.modelDir, undefined, 'models are not kept without modelsDir');
    // The keyword files have no family field: the rules are the learned cap alone.
    assert.ok(m.rules, `${m.name} records its genre rules`);
    assert.equal(m.rules.familyField, null);
    assert.ok(Number.isInteger(m.rules.maxGenres) && m.rules.maxGenres! >= 1, `${m.name} cap ${m.rules.maxGenres}`);
  }
});

test('trained rows have a history of at most the configured epochs; the ensemble has none', () => {
  for (const name of ['bag', 'cnn']) {
    const m = row(first, name);
    assert.ok(m.history !== undefined && m.history.length >= 1 && m.history.length <= 2, `${name} history length ${m.history?.length}`);
    assert.deepEqual(
      m.history.map((h) => h.epoch),
      m.history.map((_, i) => i + 1),
    );
    for (const h of m.history) {
      assert.ok(Number.isFinite(h.loss));
      inUnit(h.valMicroF1, `${name} val micro-F1`);
      inUnit(h.valMacroF1, `${name} val macro-F1`);
    }
    assert.ok(m.bestEpoch !== undefined && m.bestEpoch >= 1 && m.bestEpoch <= m.history.length);
  }
  assert.deepEqual(row(first, 'bag+cnn').history, []);
});

test('the ensemble: weights over its members sum to 1, costs are its members\' summed', () => {
  const ensemble = row(first, 'bag+cnn');
  const weights = ensemble.ensembleWeights ?? {};
  assert.deepEqual(Object.keys(weights), ['bag', 'cnn']);
  for (const w of Object.values(weights)) inUnit(w, 'weight');
  assert.ok(Math.abs(Object.values(weights).reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const [bag, cnn] = [row(first, 'bag'), row(first, 'cnn')];
  assert.equal(ensemble.sizeBytes, (bag.sizeBytes ?? 0) + (cnn.sizeBytes ?? 0));
  assert.equal(ensemble.parameters?.trained, (bag.parameters?.trained ?? 0) + (cnn.parameters?.trained ?? 0));
  assert.ok((ensemble.predictionsPerSecond ?? Infinity) < Math.min(bag.predictionsPerSecond ?? 0, cnn.predictionsPerSecond ?? 0), 'an ensemble runs every member');
});

test('the same config and seed give the same test metrics', () => {
  assert.deepEqual(
    second.models.map((m) => [m.name, m.status, m.error]),
    first.models.map((m) => [m.name, m.status, m.error]),
  );
  for (const [i, m] of second.models.entries()) {
    assert.deepEqual(m.test, first.models[i].test, `${m.name}: identical test section`);
    assert.deepEqual(m.ensembleWeights, first.models[i].ensembleWeights);
    assert.deepEqual(
      m.history?.map(({ loss, valMicroF1, valMacroF1 }) => [loss, valMicroF1, valMacroF1]),
      first.models[i].history?.map(({ loss, valMicroF1, valMacroF1 }) => [loss, valMicroF1, valMacroF1]),
    );
    // sizeBytes is not compared: the saved manifest records wall times and dates.
  }
  assert.deepEqual(second.genreCounts, first.genreCounts);
  assert.deepEqual(second.data, first.data);
});

test('with modelsDir, each trained model and each ensemble of them is kept in its own folder and loads', async () => {
  assert.deepEqual(readdirSync(modelsDir).sort(), ['bag', 'bag+cnn', 'cnn']);
  for (const name of ['bag', 'cnn']) {
    const m = row(second, name);
    assert.equal(m.modelDir, join(modelsDir, name));
    assert.ok(existsSync(join(modelsDir, name, 'manifest.json')));
    const { classifier, manifest } = await loadModel(join(modelsDir, name));
    try {
      assert.equal(manifest.kind, name);
      assert.deepEqual(manifest.genres, second.genres);
      assert.equal(manifest.training.seed, 5);
      assert.equal(manifest.training.testSize, second.data.testSize);
      const [prediction] = await classifier.predict(['hilarious friends in the city']);
      assert.deepEqual(Object.keys(prediction.scores).sort(), [...KEYWORD_GENRES].sort());
    } finally {
      await classifier.dispose();
    }
  }
  // The ensemble of kept members is saved too, and scores as the weighted mean of its members.
  const ensembleRow = row(second, 'bag+cnn');
  assert.equal(ensembleRow.modelDir, join(modelsDir, 'bag+cnn'));
  const ensemble = await loadModel(join(modelsDir, 'bag+cnn'));
  const members = await Promise.all(['bag', 'cnn'].map(async (name) => (await loadModel(join(modelsDir, name))).classifier));
  try {
    assert.equal(ensemble.manifest.kind, 'ensemble');
    const texts = ['hilarious friends in the city', 'a murder in the dark'];
    const [bagScores, cnnScores] = await Promise.all(members.map((m) => m.score(texts)));
    const expected = bagScores.map((v, i) => ensembleRow.ensembleWeights!.bag * v + ensembleRow.ensembleWeights!.cnn * cnnScores[i]);
    const got = await ensemble.classifier.score(texts);
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `cell ${i}: ${v} vs ${expected[i]}`));
    assert.deepEqual(ensemble.classifier.thresholds, ensemble.manifest.thresholds);
  } finally {
    await ensemble.classifier.dispose();
    await Promise.all(members.map((m) => m.dispose()));
  }
  // An ensemble with a failed member has nothing to save.
  assert.equal(existsSync(join(modelsDir, 'onnx')), false);
  assert.equal(existsSync(join(modelsDir, 'bag+onnx')), false);
});

test('writeReport writes every catalogued chart (SVG and PNG) and report.md/json/html', async () => {
  const dir = join(files.dir, 'report');
  const written = await writeReport(first, dir);
  assert.deepEqual(written.warnings, []);
  const expected = ['report.json', 'report.md', 'report.html', ...CHARTS.flatMap(({ name }) => [`${name}.svg`, `${name}.png`])].sort();
  assert.deepEqual(readdirSync(dir).sort(), expected);
  assert.deepEqual([...written.files].sort(), expected.map((f) => join(dir, f)));
});
