import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectSplit } from '../../src/data/select-split.js';
import { PlotlineError } from '../../src/util/errors.js';
import type { Title } from '../../src/data/titles.js';

const title = (id: string, line: number): Title => ({ id, description: `text ${id}`, genres: ['Dramas'], fields: {}, line });
const TITLES = [title('s1', 2), title('s2', 3), title('s3', 4), title('s4', 5)];

async function withSplit(csv: string, run: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'plotline-select-'));
  try {
    await writeFile(join(dir, 'split.csv'), csv);
    await run(join(dir, 'split.csv'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the titles of one part, in file order', async () => {
  await withSplit('show_id,fold\ns3,test\ns1,train\ns2,test\ns4,train\n', async (file) => {
    assert.deepEqual((await selectSplit(TITLES, file, 'test', 'titles.csv', 'show_id')).map((t) => t.id), ['s2', 's3']);
    assert.deepEqual((await selectSplit(TITLES, file, 'train', 'titles.csv', 'show_id')).map((t) => t.id), ['s1', 's4']);
  });
});

test('a title the split does not cover is an error naming the split file, the title and its line', async () => {
  await withSplit('show_id,fold\ns1,train\ns2,test\n', async (file) => {
    await assert.rejects(selectSplit(TITLES, file, 'test', 'titles.csv', 'show_id'), (error: Error) => {
      assert.ok(error instanceof PlotlineError);
      assert.equal(error.file, file);
      assert.match(error.message, /2 title\(s\) of titles\.csv have no fold here \(first: show_id s3, line 4\)/);
      return true;
    });
  });
});

test('a part with none of the titles is an error, not an empty evaluation', async () => {
  await withSplit('show_id,fold\ns1,train\ns2,train\ns3,train\ns4,train\n', async (file) => {
    await assert.rejects(selectSplit(TITLES, file, 'test', 'titles.csv', 'show_id'), /no title of titles\.csv is in the "test" fold/);
  });
});

test('a data file without an id column cannot be matched with a split file: refused, naming both files and --id-column', async () => {
  await withSplit('show_id,fold\n1,train\n2,test\n3,test\n4,train\n', async (file) => {
    // Its rows are numbered 1, 2, ...: even a split file listing those numbers is refused, since they are not the titles' ids.
    await assert.rejects(selectSplit(TITLES, file, 'test', 'titles.csv', null), (error: Error) => {
      assert.ok(error instanceof PlotlineError);
      assert.equal(error.file, file);
      assert.match(error.message, /titles\.csv has no id column .*--id-column/);
      return true;
    });
  });
});

test('the id column is named as the data file names it in a missing title\'s message', async () => {
  await withSplit('show_id,fold\ns1,train\n', async (file) => {
    await assert.rejects(selectSplit(TITLES, file, 'test', 'titles.csv', 'imdb_id'), /first: imdb_id s2, line 3/);
  });
});
