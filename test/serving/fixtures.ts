/** A tiny saved model (untrained bag, from the model-test fixtures) in a temporary folder, for the server tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import { saveModel } from '../../src/models/storage.js';
import type { DecisionThresholds } from '../../src/models/classifier.js';
import { TINY_CONFIGS, tinyClassifier } from '../models/fixtures.js';

export { GENRES, TEXTS } from '../models/fixtures.js';

/**
 * Saved per-genre thresholds far from the untrained model's scores (~0.5): Comedies is always on,
 * Thrillers always off, Dramas decided by its score, so overrides are easy to tell from saved values.
 */
export const SAVED_THRESHOLDS: DecisionThresholds = { global: 0.5, perGenre: [0.01, 0.5, 0.99], mode: 'perGenre' };

export interface SavedFixture {
  root: string;
  modelDir: string;
  remove(): Promise<void>;
}

export async function savedTinyModel(): Promise<SavedFixture> {
  await useBackend('wasm');
  const root = await mkdtemp(join(tmpdir(), 'plotline-serving-test-'));
  const modelDir = join(root, 'model');
  const classifier = tinyClassifier('bag', 3, SAVED_THRESHOLDS);
  await saveModel(
    classifier,
    {
      kind: 'bag',
      config: { ...TINY_CONFIGS.bag },
      training: {
        createdAt: '2024-01-02T03:04:05.000Z',
        dataFile: 'data/netflix_titles.csv',
        dataSha256: 'cd'.repeat(32),
        splitFile: null,
        seed: 3,
        trainSize: 40,
        validationSize: 10,
        testSize: 10,
        epochs: 2,
        bestEpoch: 1,
        batchSize: 8,
        learningRate: 0.005,
        loss: 'bce',
        positiveWeights: true,
        seconds: 1.25,
        history: [{ epoch: 1, loss: 0.6, valMicroF1: 0.5 }],
      },
      metrics: { validation: { microF1: 0.5 }, test: null },
      versions: { plotline: '0.1.0', tfjs: '4.22.0', node: process.version },
    },
    modelDir,
  );
  classifier.dispose();
  return { root, modelDir, remove: () => rm(root, { recursive: true, force: true }) };
}
