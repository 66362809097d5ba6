import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainCommand, type TrainCommandOptions } from '../../../src/cli/commands/train.js';

const root = mkdtempSync(join(tmpdir(), 'plotline-train-early-'));
const base = { data: join(root, 'absent.csv'), out: join(root, 'model'), seed: 1, quiet: true, json: false, backend: 'wasm', cacheDir: join(root, 'cache'), cache: false, allowDownload: false } as unknown as TrainCommandOptions;

test('a missing word-vector file and an invalid --config fail before the data is read', async () => {
  // The data file does not exist either: the error is about what was checked first.
  await assert.rejects(trainCommand({ ...base, model: 'cnn', config: { wordVectors: join(root, 'missing.vec') } }), /missing\.vec: file not found/);
  await assert.rejects(trainCommand({ ...base, model: 'bag', config: { filters: 96 } }), /"filters" is not a setting of --model bag/);
  await assert.rejects(trainCommand({ ...base, model: 'bag', config: {} }), /absent\.csv/);
});
