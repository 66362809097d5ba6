import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldOutTitles, trainingOverlap } from '../../src/cli/training-overlap.js';
import { loadDataset } from '../../src/data/dataset.js';
import { readTitles } from '../../src/data/titles.js';
import { sha256File } from '../../src/util/file-hash.js';
import type { Manifest } from '../../src/models/manifest.js';
import { fixtureFolder } from '../helpers/files.js';

const fixture = fixtureFolder('overlap');
const GENRES = ['Dramas', 'Comedies', 'Thrillers'];
const rows = Array.from({ length: 40 }, (_, i) => `s${i},"Story number ${i} about ${['love', 'crime', 'jokes'][i % 3]}.",${GENRES[i % 3]}`);
const data = fixture('titles.csv', `show_id,description,listed_in\n${rows.join('\n')}\n`);
const split = fixture('split.csv', `show_id,fold\n${Array.from({ length: 40 }, (_, i) => `s${i},${i < 30 ? 'train' : 'test'}`).join('\n')}\n`);
const other = fixture('later.csv', `show_id,description,listed_in\ns1,"Story one, retold.",Dramas\nnew1,"A new story.",Comedies\n`);

async function training(splitFile: string | null, seed = 42): Promise<Pick<Manifest, 'training' | 'catalogue'>> {
  return { training: { createdAt: '', dataFile: data, dataSha256: await sha256File(data), splitFile, seed, trainSize: 25, validationSize: 5, testSize: 10, seconds: 1 }, catalogue: undefined };
}

test('evaluating every row of the training file counts the training rows, with a hint to pass --split', async () => {
  const { titles } = await readTitles(data);
  const overlap = await trainingOverlap(await training(split), data, titles);
  assert.equal(overlap?.rows, 30);
  assert.match(overlap!.message, new RegExp(`30 of the 40 titles scored are training titles of this model \\(the training fold of .*split\\.csv\\).*pass --split`));
  // Its test fold only: no overlap, no warning.
  assert.equal(await trainingOverlap(await training(split), data, titles.slice(30)), null);
  // Another file sharing a show_id with the training fold.
  const later = (await readTitles(other)).titles;
  assert.equal((await trainingOverlap(await training(split), other, later))?.rows, 1);
});

test('a seeded split is made again from the manifest seed; an unreadable split falls back on the sha256', async () => {
  const { titles } = await readTitles(data);
  const seeded = await loadDataset(data, { seed: 5 });
  const overlap = await trainingOverlap(await training(null, 5), data, titles);
  assert.equal(overlap?.rows, seeded.splits.train.length + seeded.splits.validation.length);
  assert.match(overlap!.message, /seeded split \(seed 5\)/);
  assert.equal(await trainingOverlap(await training(null, 5), data, seeded.splits.test.map((i) => seeded.titles[i])), null);

  const lost = await trainingOverlap(await training(fixture.dir + '/moved-split.csv'), data, titles);
  assert.equal(lost?.rows, null);
  assert.match(lost!.message, /is the file this model was trained on \(same sha256\).*cannot be read from here/);
  // A different file (an edited copy, say) and no split to compare ids with: it cannot be told, and it says so.
  const unknown = await trainingOverlap(await training(null), other, (await readTitles(other)).titles);
  assert.equal(unknown?.rows, null);
  assert.match(unknown!.message, /^cannot tell which of the 2 titles scored this model was trained on \(it was trained on a seeded split of .*titles\.csv, and .*later\.csv has another sha256\): .*up to 30 of them are training titles/);
});

test('--held-out keeps the titles the model was not trained on: its split file\'s test fold, or its seeded split remade', async () => {
  const { titles } = await readTitles(data);
  const held = await heldOutTitles(await training(split), data, titles);
  assert.deepEqual(held.map((t) => t.id), titles.slice(30).map((t) => t.id));
  const seeded = await loadDataset(data, { seed: 5 });
  const heldSeeded = await heldOutTitles(await training(null, 5), data, titles);
  assert.deepEqual(new Set(heldSeeded.map((t) => t.id)), new Set(seeded.splits.test.map((i) => seeded.titles[i].id)));
  // When the training rows cannot be known, or none is left, it fails saying why.
  await assert.rejects(heldOutTitles(await training(fixture.dir + '/moved-split.csv'), data, titles), /training file, but its split file .*moved-split\.csv cannot be read from here/);
  await assert.rejects(heldOutTitles(await training(null), other, (await readTitles(other)).titles), /cannot tell which titles .*later\.csv.*seeded split of another file/);
  await assert.rejects(heldOutTitles(await training(split), data, titles.slice(0, 30)), /every one of the 30 titles/);
});

test('a file without an id column (row numbers for ids) cannot be matched with a split file: rows null with a warning, and --held-out fails saying why', async () => {
  const noIds = fixture('no-ids.csv', `description,listed_in\n${rows.map((r) => r.slice(r.indexOf(',') + 1)).join('\n')}\n`);
  const { titles, mapping } = await readTitles(noIds);
  assert.equal(mapping.id, null);
  // Row numbers "1".."40" happen to match none of the split's ids here; the point is that they could match any.
  const overlap = await trainingOverlap(await training(split), noIds, titles, true);
  assert.equal(overlap?.rows, null);
  assert.match(overlap!.message, /cannot tell which of the 40 titles.*no id column \(its ids are row numbers\)/);
  await assert.rejects(heldOutTitles(await training(split), noIds, titles, true), /--held-out: cannot tell which titles of .*no-ids\.csv.*no id column/);
});
