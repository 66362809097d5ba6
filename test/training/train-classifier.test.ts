import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend } from '../../src/engine/backend.js';
import { trainClassifier } from '../../src/training/train-classifier.js';
import { WordVectorizer } from '../../src/models/vectorizers/word-vectorizer.js';
import type { WordVectorCoverage } from '../../src/text/word-vectors.js';
import { KEYWORD_GENRES, KEYWORDS, keywordDataset } from '../helpers/keyword-dataset.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';
import { loadModel, saveModel } from '../../src/models/storage.js';
import { tinyManifestFields } from '../models/fixtures.js';
import { join } from 'node:path';

const write = fixtureFolder('train-vectors');

before(async () => {
  await useBackend('wasm');
});

/** 3-d vectors for the keywords and a few filler words (not all of them: some are missing). */
function vectorFile(): string {
  const lines = ['7 3', ...KEYWORDS.map((w, i) => `${w} ${i + 1} ${-(i + 1)} 0.5`), 'the 0.1 0.1 0.1', 'a 0.2 0.2 0.2', 'city 0.3 -0.3 0', 'night 0 0 1'];
  return write('tiny.vec', lines.join('\n') + '\n');
}

for (const kind of ['cnn', 'bilstm']) {
  test(`${kind} with --word-vectors --freeze-embeddings: vocabulary rows only, the vectors kept as they are, missing words counted`, async () => {
    const file = vectorFile();
    const seen: WordVectorCoverage[] = [];
    const trained = await trainClassifier(KEYWORD_GENRES, keywordDataset(48, 1), keywordDataset(16, 2), {
      kind,
      config: { minCount: 1, wordVectors: file, freezeEmbeddings: true, ...(kind === 'cnn' ? { widths: [2], filters: 4 } : { units: 4, denseUnits: 4 }) },
      seed: 3,
      epochs: 1,
      onWordVectors: (c) => seen.push(c),
    });
    const encoder = trained.classifier.vectorizer as WordVectorizer;
    const tokens = encoder.vocabulary.toJSON().tokens;
    assert.equal(trained.config.embeddingDim, 3, 'the embedding takes the vectors\' dimension');
    const coverage = trained.config.wordVectorCoverage as WordVectorCoverage;
    assert.deepEqual(seen, [coverage]);
    assert.equal(coverage.words, tokens.length);
    assert.equal(coverage.found, 7, 'every word of the file is in the vocabulary');
    assert.equal(coverage.missing, tokens.length - 7);
    assert.ok(coverage.missingExamples.length > 0 && coverage.missingExamples.every((w) => !KEYWORDS.includes(w)));
    const embedding = trained.classifier.network.getLayer('embedding');
    assert.equal(embedding.trainable, false);
    const table = embedding.getWeights()[0];
    assert.deepEqual(table.shape, [tokens.length + 2, 3], 'one row per vocabulary id, not per vector in the file');
    const rows = table.arraySync() as number[][];
    KEYWORDS.forEach((word, i) => {
      assert.deepEqual(rows[tokens.indexOf(word) + 2].map((x) => +x.toFixed(5)), [i + 1, -(i + 1), 0.5], `${word}'s row is its vector after training`);
    });
    assert.deepEqual(rows[0], [0, 0, 0], 'padding row');
    // Saved and loaded back (the weight check rebuilds the network from the config: frozen, same order).
    const dir = join(write.dir, `${kind}-model`);
    const fields = tinyManifestFields(kind);
    await saveModel(trained.classifier, { ...fields, config: trained.config }, dir);
    const loaded = await loadModel(dir);
    const texts = ['a hilarious murder', 'the city at night'];
    assert.deepEqual(await loaded.classifier.score(texts), await trained.classifier.score(texts));
    await loaded.classifier.dispose();
    await trained.classifier.dispose();
  });
}

test('word vectors for a kind that does not read words, or a malformed file, are refused before training', async () => {
  const bad = write('bad.vec', 'the 1 2 3\nhilarious 1 x 3\n');
  const error = await rejectsWith(
    trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), { kind: 'cnn', config: { minCount: 1, wordVectors: bad }, seed: 1, epochs: 1 }),
  );
  assert.match(error.message, /bad\.vec, line 2: value 2 of "hilarious" is "x"/);
  // A header whose dimension is not the lines': each line has a value too many, named by its line.
  const misread = write('misread.vec', [`${KEYWORDS.length} 2`, ...KEYWORDS.map((w, i) => `${w} ${i + 1} ${-(i + 1)} 0.5`)].join('\n') + '\n');
  const extra = await rejectsWith(
    trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), { kind: 'cnn', config: { minCount: 1, wordVectors: misread }, seed: 1, epochs: 1 }),
  );
  assert.match(extra.message, /misread\.vec, line 2: expected a word and 2 values, found "\S+" and 3 values/);
  // Vectors of other words only (another language, say): nothing to start from.
  const foreign = write('foreign.vec', 'zebu 1 2\nyak 3 4\n');
  const none = await rejectsWith(
    trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), { kind: 'cnn', config: { minCount: 1, wordVectors: foreign }, seed: 1, epochs: 1 }),
  );
  assert.match(none.message, /foreign\.vec.*none of the \d+ vocabulary words is in the file, read as 2-d vectors/);
  await assert.rejects(
    trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), { kind: 'bag', config: { wordVectors: bad }, seed: 1, epochs: 1 }),
    /Unrecognized key|wordVectors/,
  );
});

test('a config embeddingDim other than the word vectors\' dimension is an error naming both; the kind\'s default is replaced with a warning', async () => {
  const file = vectorFile();
  const error = await rejectsWith(
    trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), { kind: 'cnn', config: { minCount: 1, wordVectors: file, embeddingDim: 64 }, seed: 1, epochs: 1 }),
  );
  assert.match(error.message, /tiny\.vec, field "embeddingDim": config embeddingDim is 64, but the word vectors have 3 dimensions: .*leave embeddingDim out or set it to 3/);
  const warnings: string[] = [];
  const same = await trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), {
    kind: 'bilstm',
    config: { minCount: 1, wordVectors: file, embeddingDim: 3, units: 4, denseUnits: 4 },
    seed: 1,
    epochs: 1,
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(same.config.embeddingDim, 3);
  assert.equal(warnings.length, 0, 'the vectors\' own dimension, given: nothing to say');
  await same.classifier.dispose();
  const byDefault = await trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), {
    kind: 'bilstm',
    config: { minCount: 1, wordVectors: file, units: 4, denseUnits: 4 },
    seed: 1,
    epochs: 1,
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(byDefault.config.embeddingDim, 3);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^bilstm's default embeddingDim 8 is replaced by the 3 dimensions of the word vectors in .*tiny\.vec$/);
  await byDefault.classifier.dispose();
});

test('cnn multichannel (Kim 2014): a frozen copy of the vectors beside the trained embedding; saved and loaded back; refused without vectors', async () => {
  const file = vectorFile();
  const trained = await trainClassifier(KEYWORD_GENRES, keywordDataset(48, 1), keywordDataset(16, 2), {
    kind: 'cnn',
    config: { minCount: 1, wordVectors: file, multichannel: true, widths: [2], filters: 4 },
    seed: 3,
    epochs: 2,
  });
  const tokens = (trained.classifier.vectorizer as WordVectorizer).vocabulary.toJSON().tokens;
  const network = trained.classifier.network;
  const fixed = network.getLayer('embedding_static');
  const tuned = network.getLayer('embedding');
  assert.equal(fixed.trainable, false);
  assert.equal(tuned.trainable, true);
  const fixedRows = fixed.getWeights()[0].arraySync() as number[][];
  const tunedRows = tuned.getWeights()[0].arraySync() as number[][];
  const row = tokens.indexOf(KEYWORDS[0]) + 2;
  assert.deepEqual(fixedRows[row].map((x) => +x.toFixed(5)), [1, -1, 0.5], 'the static channel keeps the vector');
  assert.notDeepEqual(tunedRows[row].map((x) => +x.toFixed(5)), [1, -1, 0.5], 'the trained channel moved');
  const dir = join(write.dir, 'cnn-multichannel-model');
  await saveModel(trained.classifier, { ...tinyManifestFields('cnn'), config: trained.config }, dir);
  const loaded = await loadModel(dir);
  const texts = ['a hilarious murder', 'the city at night'];
  assert.deepEqual(await loaded.classifier.score(texts), await trained.classifier.score(texts));
  await loaded.classifier.dispose();
  await trained.classifier.dispose();
  await assert.rejects(
    trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), { kind: 'cnn', config: { minCount: 1, multichannel: true }, seed: 1, epochs: 1 }),
    /multichannel needs pretrained word vectors/,
  );
  await assert.rejects(
    trainClassifier(KEYWORD_GENRES, keywordDataset(24, 1), keywordDataset(8, 2), { kind: 'cnn', config: { minCount: 1, wordVectors: file, multichannel: true, freezeEmbeddings: true }, seed: 1, epochs: 1 }),
    /multichannel already keeps a frozen copy/,
  );
});

test('bilstm with max pooling is saved and loaded back with the same scores', async () => {
  const trained = await trainClassifier(KEYWORD_GENRES, keywordDataset(48, 1), keywordDataset(16, 2), {
    kind: 'bilstm',
    config: { minCount: 1, units: 4, denseUnits: 4, pooling: 'max' },
    seed: 3,
    epochs: 1,
  });
  const dir = join(write.dir, 'bilstm-max-model');
  await saveModel(trained.classifier, { ...tinyManifestFields('bilstm'), config: trained.config }, dir);
  const loaded = await loadModel(dir);
  const texts = ['a hilarious murder', 'the city at night', ''];
  assert.deepEqual(await loaded.classifier.score(texts), await trained.classifier.score(texts));
  await loaded.classifier.dispose();
  await trained.classifier.dispose();
});
