/**
 * The server's scoring threads with a model that reads catalogue fields and has genre-set rules: the
 * answers (genres, what the rules removed, the family, explanations) are the same as scoring on the
 * HTTP thread, for the same request.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import { addCatalogue } from '../../src/training/train-catalogue.js';
import { saveModel } from '../../src/models/storage.js';
import { buildApp } from '../../src/serving/app.js';
import { GENRES, TEXTS, tinyClassifier, tinyManifestFields } from '../models/fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plotline-scoring-threads-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('with fields and rules, a scoring thread answers exactly as the HTTP thread does', async () => {
  await useBackend('wasm');
  const fields = TEXTS.map((_, i) => ({ type: i % 2 === 0 ? 'TV Show' : 'Movie', country: i < 3 ? 'India' : 'France' }));
  const genreLists = TEXTS.map((_, i) => (i % 2 === 0 ? ['Thrillers'] : i === 1 ? ['Comedies', 'Dramas'] : ['Dramas']));
  const targets = Float32Array.from(genreLists.flatMap((list) => GENRES.map((g) => (list.includes(g) ? 1 : 0))));
  const text = tinyClassifier('bag', 3);
  const result = addCatalogue(text, await text.score(TEXTS), { fields, targets, genres: genreLists }, { fields, targets }, {
    fields: ['type', 'country'],
    familyField: 'type',
    rules: true,
    seed: 5,
    fieldModel: { epochs: 30, patience: 30 },
  });
  const modelDir = path.join(dir, 'model');
  const section = { columns: { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' as const }, fields: ['type', 'country'], rules: result.rules, fusion: result.fusion };
  await saveModel(text, { ...tinyManifestFields('bag', 3), catalogue: section }, modelDir, result.model);
  text.dispose();

  const [threaded, inProcess] = await Promise.all([buildApp({ modelDir, scoringThreads: 1 }), buildApp({ modelDir, scoringThreads: 0 })]);
  try {
    await Promise.all([threaded.plotline.ready, inProcess.plotline.ready]);
    assert.equal(threaded.plotline.model!.classifier.constructor.name, 'ThreadedModel');
    assert.deepEqual(threaded.plotline.model!.classifier.inputFields, ['type', 'country']);
    const payload = { texts: TEXTS.slice(0, 4), fields: fields.slice(0, 4), explain: true, scores: true };
    const [a, b] = await Promise.all([threaded, inProcess].map((app) => app.inject({ method: 'POST', url: '/v1/predict', payload })));
    assert.equal(a.statusCode, 200, a.body);
    const predictions = JSON.parse(a.body).predictions as { family?: unknown; explanation?: unknown }[];
    assert.ok(predictions.every((p) => p.family !== undefined && p.explanation !== undefined), 'rules and explanations are in the answer');
    assert.deepEqual(predictions, JSON.parse(b.body).predictions);
  } finally {
    await Promise.all([threaded.close(), inProcess.close()]);
  }
});
