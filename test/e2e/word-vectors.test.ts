/**
 * End to end through the built CLI: `train --model cnn --word-vectors` on ~300 real titles with a small
 * GloVe-format file made here from the titles' own words (nothing downloaded), then predict from the saved
 * folder; and the errors a user sees for a malformed vector file and --freeze-embeddings alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/util/random.js';
import { realSubsetSuite, runBuiltCli, skipWithoutSharedData as skip } from './real-subset.js';

const work = mkdtempSync(join(tmpdir(), 'plotline-e2e-vectors-'));
const files = { work, dataFile: join(work, 'titles.csv'), splitFile: join(work, 'split.csv') };
const vectors = join(work, 'vectors.txt');

realSubsetSuite(files, () => {
  // 20-d seeded vectors for the most common words of the subset (and none for the rest).
  const rng = createRng(5);
  const words = ['the', 'a', 'to', 'and', 'of', 'in', 'his', 'her', 'with', 'family', 'love', 'young', 'life', 'world', 'documentary', 'comedy'];
  writeFileSync(vectors, words.map((w) => `${w} ${Array.from({ length: 20 }, () => (rng.next() - 0.5).toFixed(4)).join(' ')}`).join('\n') + '\n');
});

test('train cnn --word-vectors --freeze-embeddings: coverage reported and recorded, the folder predicts', { skip }, async () => {
  const model = join(work, 'cnn');
  const trained = await runBuiltCli('train', '--data', files.dataFile, '--split', files.splitFile, '--model', 'cnn', '--out', model, '--epochs', '2', '--word-vectors', vectors, '--freeze-embeddings', '--config', '{"filters":8}');
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /word vectors: 20 dimensions; 16 of \d+ vocabulary words found, \d+ missing \(most frequent: /);
  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  assert.equal(manifest.config.embeddingDim, 20);
  assert.equal(manifest.config.freezeEmbeddings, true);
  assert.equal(manifest.config.wordVectorCoverage.found, 16);
  const predicted = await runBuiltCli('predict', '--model', model, '--json', 'A young detective and her family.');
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.ok(JSON.parse(predicted.stdout.trim()).genres.length >= 1);
});

test('a malformed vector file and --freeze-embeddings without vectors are one error line each, nothing written', { skip }, async () => {
  const bad = join(work, 'bad.vec');
  writeFileSync(bad, '2 3\nthe 1 2 3\nfamily 1 two 3\n');
  const out = join(work, 'never');
  const malformed = await runBuiltCli('train', '--data', files.dataFile, '--split', files.splitFile, '--model', 'cnn', '--out', out, '--word-vectors', bad);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /error: .*bad\.vec, line 3: value 2 of "family" is "two": expected a finite number/);
  const alone = await runBuiltCli('train', '--data', files.dataFile, '--split', files.splitFile, '--model', 'cnn', '--out', out, '--freeze-embeddings');
  assert.equal(alone.code, 1);
  assert.match(alone.stderr, /--freeze-embeddings needs --word-vectors/);
});
