/** A tiny saved model (untrained bag from test/models/fixtures.ts) for the batch-scoring tests. */
import { saveModel } from '../../src/models/storage.js';
import { TINY_CONFIGS, tinyClassifier } from '../models/fixtures.js';

export async function saveTinyModel(dir: string, kind = 'bag'): Promise<void> {
  const classifier = tinyClassifier(kind, 3, { global: 0.4, perGenre: [0.3, 0.5, 0.45], mode: 'perGenre' });
  await saveModel(
    classifier,
    {
      kind,
      config: { ...TINY_CONFIGS[kind] },
      training: {
        createdAt: '2024-01-02T03:04:05.000Z',
        dataFile: 'synthetic',
        dataSha256: '0'.repeat(64),
        splitFile: null,
        seed: 3,
        trainSize: 6,
        validationSize: 0,
        testSize: 0,
        epochs: 0,
        bestEpoch: 0,
        batchSize: 1,
        learningRate: 0,
        loss: 'bce',
        positiveWeights: false,
        seconds: 0,
        history: [],
      },
      metrics: { validation: null, test: null },
      versions: { plotline: '0.0.0', tfjs: '0.0.0', node: process.version },
    },
    dir,
  );
  classifier.dispose();
}
