import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { GenreVocabulary } from '../../src/data/genres.js';
import {
  iterativeStratifiedSplit,
  makeSplitIndices,
  makeSplits,
  normaliseDescription,
  readSplitFile,
} from '../../src/data/split.js';
import { readTitles } from '../../src/data/titles.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';
import { PlotlineError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/random.js';

const fixture = fixtureFolder('split');
const dir = fixture.dir;

/**
 * A few hundred rows with 8 labels from common to rare; every tenth row repeats the previous
 * row's group, as dubbed versions share a description.
 */
function synthetic(n = 400, dataSeed = 7) {
  const numLabels = 8;
  const probs = [0.5, 0.35, 0.25, 0.15, 0.1, 0.08, 0.06, 0.05];
  const rng = createRng(dataSeed);
  const targets = new Float32Array(n * numLabels);
  const groups: string[] = [];
  const items: { id: string; description: string }[] = [];
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < numLabels; l++) if (rng.next() < probs[l]) targets[i * numLabels + l] = 1;
    const group = i % 10 === 9 ? i - 1 : i;
    groups.push(`g${group}`);
    // Same group, different spelling: the normalisation must bring them together.
    items.push({ id: `id${i}`, description: i % 10 === 9 ? `  Story\u00A0NUMBER ${group} \u2013 \u201Cend\u201D` : `Story number ${group} - "end"` });
  }
  return { n, numLabels, targets, groups, items };
}

function labelShares(targets: Float32Array, numLabels: number, isTest: (i: number) => boolean, n: number) {
  return Array.from({ length: numLabels }, (_, l) => {
    let total = 0;
    let inTest = 0;
    for (let i = 0; i < n; i++) {
      if (targets[i * numLabels + l] > 0) {
        total += 1;
        if (isTest(i)) inTest += 1;
      }
    }
    return { total, share: inTest / total };
  });
}

test('normaliseDescription: NFKC, ASCII quotes and dashes, collapsed whitespace, lower case, trimmed', () => {
  assert.equal(normaliseDescription('  \u201CHello\u201D \u2014 it\u2019s  ME\u2026\n\tagain\u00A0 '), '"hello" - it\'s me... again');
  assert.equal(normaliseDescription('\uFF21\uFF22 \u2018x\u2019 \u2013 y'), "ab 'x' - y");
  assert.equal(normaliseDescription('Caf\u0065\u0301'), normaliseDescription('Caf\u00E9'));
});

test('iterative stratification: same seed same split, other seed another split', () => {
  const { targets, numLabels, groups } = synthetic();
  const a = iterativeStratifiedSplit(targets, numLabels, groups, 0.2, 1);
  const b = iterativeStratifiedSplit(targets, numLabels, groups, 0.2, 1);
  const c = iterativeStratifiedSplit(targets, numLabels, groups, 0.2, 2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('iterative stratification keeps groups together and every label near the test fraction', () => {
  const { n, targets, numLabels, groups } = synthetic();
  for (const seed of [1, 2, 3]) {
    const isTest = iterativeStratifiedSplit(targets, numLabels, groups, 0.2, seed);
    const foldOfGroup = new Map<string, boolean>();
    groups.forEach((g, i) => {
      if (foldOfGroup.has(g)) assert.equal(foldOfGroup.get(g), isTest[i], `group ${g} split`);
      foldOfGroup.set(g, isTest[i]);
    });
    const testCount = isTest.filter(Boolean).length;
    assert.ok(Math.abs(testCount / n - 0.2) <= 0.01, `test size ${testCount}`);
    for (const { total, share } of labelShares(targets, numLabels, (i) => isTest[i], n)) {
      assert.ok(total >= 15);
      assert.ok(Math.abs(share - 0.2) <= 0.03, `label with ${total} items has test share ${share}`);
    }
  }
});

test('iterative stratification handles unlabelled rows, 0 and 1 fractions, and rejects bad shapes', () => {
  const targets = new Float32Array(10 * 2);
  const groups = Array.from({ length: 10 }, (_, i) => `g${i}`);
  assert.equal(iterativeStratifiedSplit(targets, 2, groups, 0.3, 1).filter(Boolean).length, 3);
  assert.deepEqual(iterativeStratifiedSplit(targets, 2, groups, 0, 1), new Array(10).fill(false));
  assert.deepEqual(iterativeStratifiedSplit(targets, 2, groups, 1, 1), new Array(10).fill(true));
  assert.throws(() => iterativeStratifiedSplit(targets, 3, groups, 0.2, 1), RangeError);
  assert.throws(() => iterativeStratifiedSplit(targets, 2, groups, 1.5, 1), RangeError);
});

test('makeSplits without an assignment: disjoint, complete, groups together, validation out of train', () => {
  const { n, targets, numLabels, items } = synthetic();
  const folds = makeSplitIndices(items, targets, numLabels, { seed: 11 });
  const all = [...folds.train, ...folds.validation, ...folds.test].sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: n }, (_, i) => i));
  assert.ok(Math.abs(folds.test.length / n - 0.2) <= 0.01, `test ${folds.test.length}`);
  const trainPool = folds.train.length + folds.validation.length;
  assert.ok(Math.abs(folds.validation.length / trainPool - 0.15) <= 0.01, `validation ${folds.validation.length}`);

  const foldOf = new Map<string, string>();
  for (const [name, indices] of Object.entries(folds)) {
    for (const i of indices) {
      const key = normaliseDescription(items[i].description);
      if (foldOf.has(key)) assert.equal(foldOf.get(key), name, `group "${key}" split`);
      foldOf.set(key, name);
    }
  }
  assert.equal(foldOf.size, n - n / 10);

  const validation = new Set(folds.validation);
  for (const { share } of labelShares(targets, numLabels, (i) => validation.has(i), n)) {
    assert.ok(share > 0.05 && share < 0.2, `validation share ${share}`);
  }

  assert.deepEqual(makeSplitIndices(items, targets, numLabels, { seed: 11 }), folds);
  const objects = makeSplits(items, targets, numLabels, { seed: 11 });
  assert.deepEqual(objects.test, folds.test.map((i) => items[i]));
  assert.deepEqual(objects.validation, folds.validation.map((i) => items[i]));
});

test('makeSplits with an assignment: test is as assigned, validation comes from train only', () => {
  const { targets, numLabels, items } = synthetic();
  const assignment = new Map(items.map((item, i) => [item.id, i % 5 === 0 ? 'test' : 'train'] as const));
  const folds = makeSplits(items, targets, numLabels, { assignment, seed: 3 });
  assert.deepEqual(
    folds.test.map((t) => t.id),
    items.filter((_, i) => i % 5 === 0).map((t) => t.id),
  );
  const testIds = new Set(folds.test.map((t) => t.id));
  assert.ok(folds.validation.length > 0);
  for (const item of [...folds.validation, ...folds.train]) assert.ok(!testIds.has(item.id));
  assert.equal(folds.train.length + folds.validation.length + folds.test.length, items.length);

  const partial = new Map([...assignment].slice(0, 390));
  assert.throws(
    () => makeSplits(items, targets, numLabels, { assignment: partial, splitFile: 'my-split.csv', seed: 3 }),
    (err: unknown) =>
      err instanceof PlotlineError &&
      err.message.includes('my-split.csv') &&
      err.message.includes('10 of 400') &&
      err.message.includes('id390, id391'),
  );
});

test('readSplitFile reads show_id,fold and rejects bad folds, duplicates and missing columns', async () => {
  const good = fixture('split.csv', 'show_id,fold\r\n1,train\r\n2,test\r\n3,train');
  assert.deepEqual(
    [...(await readSplitFile(good))],
    [
      ['1', 'train'],
      ['2', 'test'],
      ['3', 'train'],
    ],
  );

  const badFold = fixture('bad-fold.csv', 'show_id,fold\n1,train\n2,valid\n');
  const err = await rejectsWith(readSplitFile(badFold));
  assert.equal(err.file, badFold);
  assert.equal(err.line, 3);
  assert.equal(err.field, 'fold');
  assert.match(err.message, /"valid"/);

  const duplicate = fixture('dup.csv', 'show_id,fold\n1,train\n2,test\n1,test\n');
  const err2 = await rejectsWith(readSplitFile(duplicate));
  assert.match(err2.message, /line 2 and on line 4/);

  const noFold = fixture('nofold.csv', 'show_id,split\n1,train\n');
  const err3 = await rejectsWith(readSplitFile(noFold));
  assert.match(err3.message, /"fold"/);
  assert.match(err3.message, /columns found: show_id, split/);

  const err4 = await rejectsWith(readSplitFile(path.join(dir, 'absent.csv')));
  assert.match(err4.message, /absent\.csv/);
});

const sharedData = path.resolve(process.cwd(), '../shared/data');
const titlesCsv = path.join(sharedData, 'netflix_titles.csv');
const splitCsv = path.join(sharedData, 'split.csv');
const noSharedData =
  fs.existsSync(titlesCsv) && fs.existsSync(splitCsv) ? false : `shared data not found at ${sharedData}; skipping the real-data check`;

test('the real netflix_titles.csv and split.csv: 6,234 rows, 42 genres, 4,974 / 1,260', { skip: noSharedData }, async () => {
  const { titles, problems } = await readTitles(titlesCsv);
  assert.equal(titles.length, 6234);
  assert.deepEqual(problems, []);
  // The file has two bare LFs inside quoted fields and no final newline: the last record starts on line 6,237.
  assert.equal(titles[titles.length - 1].line, 6237);
  assert.ok(titles.find((t) => t.id === '80188902')?.description.includes('\n'));

  const vocab = GenreVocabulary.fromTitles(titles);
  assert.equal(vocab.size, 42);
  const { targets, unknown } = vocab.encodeAll(titles);
  assert.equal(unknown.size, 0);

  const assignment = await readSplitFile(splitCsv);
  const folds = makeSplitIndices(titles, targets, vocab.size, { assignment, splitFile: splitCsv, seed: 20200325 });
  assert.equal(folds.train.length + folds.validation.length, 4974);
  assert.equal(folds.test.length, 1260);

  // The normalisation reproduces the README's 7 groups of 15 rows, none split by split.csv.
  const byKey = new Map<string, string[]>();
  for (const t of titles) {
    const key = normaliseDescription(t.description);
    byKey.set(key, [...(byKey.get(key) ?? []), t.id]);
  }
  const shared = [...byKey.values()].filter((ids) => ids.length > 1);
  assert.equal(shared.length, 7);
  assert.equal(shared.flat().length, 15);
  for (const ids of shared) assert.equal(new Set(ids.map((id) => assignment.get(id))).size, 1);
});
