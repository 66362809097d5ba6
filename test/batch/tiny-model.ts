/** A tiny saved model (untrained bag from test/models/fixtures.ts) for the batch-scoring tests. */
import { saveTinyModel as saveFixture } from '../models/fixtures.js';

export async function saveTinyModel(dir: string, kind = 'bag'): Promise<void> {
  await saveFixture(dir, { kind, seed: 3, thresholds: { global: 0.4, perGenre: [0.3, 0.5, 0.45], mode: 'perGenre' } });
}
