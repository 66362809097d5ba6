/** A tiny saved model (untrained bag, from the model-test fixtures) in a temporary folder, for the server tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import type { DecisionThresholds } from '../../src/models/classifier.js';
import { saveTinyModel } from '../models/fixtures.js';

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
  await saveTinyModel(modelDir, { seed: 3, thresholds: SAVED_THRESHOLDS });
  return { root, modelDir, remove: () => rm(root, { recursive: true, force: true }) };
}
