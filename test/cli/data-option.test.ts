import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { resolveDataOption } from '../../src/cli/data-option.js';
import { NETFLIX, datasetCachePath } from '../../src/data/datasets.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('data-option');

test('a path keeps its --split (or none)', async () => {
  const cacheDir = path.join(fixture.dir, 'empty-cache');
  const titles = fixture('titles.csv', 'show_id,description,listed_in\n1,A story.,Dramas\n');
  assert.deepEqual(await resolveDataOption(titles, undefined, { cacheDir }), { data: titles, split: undefined });
  assert.deepEqual(await resolveDataOption(titles, 'mine.csv', { cacheDir }), { data: titles, split: 'mine.csv' });
});

test('a named dataset brings its standard split unless --split is given', async (t) => {
  const shared = path.resolve('../shared/data/netflix_titles.csv');
  if (!fs.existsSync(shared)) {
    t.skip(`${shared} is absent`);
    return;
  }
  const cacheDir = path.join(fixture.dir, 'cache');
  const target = datasetCachePath(NETFLIX, cacheDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(shared, target);
  assert.deepEqual(await resolveDataOption('netflix', undefined, { cacheDir }), { data: target, split: NETFLIX.split });
  assert.deepEqual(await resolveDataOption('netflix', 'mine.csv', { cacheDir }), { data: target, split: 'mine.csv' });
});

test('a named dataset that is not cached, without --allow-download, fails before anything else', async () => {
  const error = await rejectsWith(resolveDataOption('netflix', undefined, { cacheDir: path.join(fixture.dir, 'fresh'), quiet: true }));
  assert.match(error.message, /Pass --allow-download/);
  assert.equal(fs.existsSync(path.join(fixture.dir, 'fresh')), false);
});
