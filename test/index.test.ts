/** The library entry point (package.json "main"): load a saved model and predict through it alone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as plotline from '../src/index.js';
import { saveTinyModel, GENRES } from './models/fixtures.js';

test('the package entry point loads a saved model, predicts and explains', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plotline-index-'));
  try {
    await plotline.useBackend('wasm');
    await saveTinyModel(join(dir, 'model'));
    const { classifier, manifest } = await plotline.openModel(join(dir, 'model'), { backend: 'wasm' });
    assert.equal(manifest.kind, 'bag');
    const [prediction] = await classifier.predict(['a killer in the rain'], { topK: 2 });
    assert.ok(prediction.genres.length >= 1);
    assert.deepEqual(Object.keys(prediction.scores), [...GENRES]);
    const [explanation] = await plotline.explain(classifier, 'a killer in the rain');
    assert.equal(explanation.words.length, 5);
    await assert.rejects(plotline.loadModel(join(dir, 'absent')), plotline.PlotlineError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the entry point offers every model kind and the pretrained-encoder and compare entry points', () => {
  assert.deepEqual([...plotline.KIND_NAMES], ['cnn', 'bilstm', 'bag', 'use', 'onnx', 'ensemble']);
  assert.deepEqual([...plotline.TRAINABLE_KIND_NAMES], ['cnn', 'bilstm', 'bag', 'use', 'onnx']);
  assert.deepEqual(['use', 'onnx', 'ensemble'].map((name) => plotline.findKind(name)?.family), ['encoder-head', 'encoder-head', 'ensemble']);
  for (const fn of [plotline.openModel, plotline.evaluateAndSave, plotline.trainModel, plotline.openEncoder, plotline.reopenEncoder, plotline.embedWithCache, plotline.runCompare, plotline.writeReport, plotline.parseCompareConfig, plotline.scoreFileOnQueue, plotline.startShardWorker, plotline.exportOnnx, plotline.readModelId]) {
    assert.equal(typeof fn, 'function');
  }
});
