import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openModel } from '../../src/models/open-model.js';
import { PlotlineError } from '../../src/util/errors.js';
import { useBackend } from '../../src/engine/backend.js';
import { saveTinyModel, tinyClassifier, TEXTS } from './fixtures.js';

test('openModel starts the backend and loads the folder: the saved model scores as the trained one did', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plotline-open-'));
  try {
    await useBackend('wasm');
    for (const kind of ['bag', 'cnn']) {
      await saveTinyModel(join(dir, kind), { kind, seed: 5 });
      const { classifier, manifest } = await openModel(join(dir, kind, 'manifest.json'), { backend: 'wasm' });
      try {
        assert.equal(manifest.kind, kind);
        const trained = tinyClassifier(kind, 5);
        assert.deepEqual(await classifier.score(TEXTS.slice(0, 4)), await trained.score(TEXTS.slice(0, 4)));
        await trained.dispose();
      } finally {
        await classifier.dispose();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('openModel on a missing folder is a PlotlineError naming it', async () => {
  const missing = join(tmpdir(), 'plotline-no-such-model-folder');
  await assert.rejects(openModel(missing), (error: Error) => error instanceof PlotlineError && error.message.includes(missing));
});
