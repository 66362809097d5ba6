/** Tiny classifiers of every kind for the model tests (untrained: their scores are the initial weights'). */
import { KINDS, kindNames, scratchKind } from '../../src/models/kinds.js';
import { GenreClassifier, type DecisionThresholds } from '../../src/models/classifier.js';
import { saveModel } from '../../src/models/storage.js';
import type { Manifest } from '../../src/models/manifest.js';

export const TINY_CONFIGS: Record<string, Record<string, unknown>> = {
  cnn: { embeddingDim: 4, widths: [2, 3], filters: 3, minCount: 1, maxLength: 16 },
  bilstm: { embeddingDim: 4, units: 3, denseUnits: 4, minCount: 1, maxLength: 16 },
  bag: { buckets: 512, embeddingDim: 4, maxLength: 64 },
};

export const GENRES = ['Comedies', 'Dramas', 'Thrillers'] as const;

export const TEXTS = [
  'a detective hunts a killer through the rain soaked streets of an old city',
  'two friends fall in love in paris',
  'a killer robot',
  'friends plan a wedding in the rain and everything that can go wrong goes wrong',
  'love',
  'a family drama about an old house',
];

export function tinyClassifier(kindName: string, seed = 1, thresholds?: DecisionThresholds, configChanges: Record<string, unknown> = {}): GenreClassifier {
  const kind = scratchKind(kindName);
  const config = kind.config.parse({ ...TINY_CONFIGS[kindName], ...configChanges });
  const encoder = kind.fitVectorizer(TEXTS, config);
  const encoded = TEXTS.map((t) => encoder.encode(t));
  const network = kind.build(config, encoder, encoded, GENRES.length, seed);
  const classifier = new GenreClassifier(network, encoder, GENRES, thresholds ?? { global: 0.5, perGenre: null, mode: 'global' });
  // As trainClassifier and loadModel do: predict through the kind's faster exact scorer where it has one.
  if (kind.fastScorer !== undefined) classifier.useFastScorer(kind.fastScorer(config, network));
  return classifier;
}

export type ManifestFields = Omit<Manifest, 'encoder' | 'genres' | 'thresholds' | 'format' | 'formatVersion'>;

/** What saveModel needs besides the classifier, with plausible values; `changes` replaces parts. */
export function tinyManifestFields(
  kind: string,
  seed = 1,
  changes: { training?: Partial<ManifestFields['training']>; metrics?: ManifestFields['metrics'] } = {},
): ManifestFields {
  return {
    kind,
    config: { ...TINY_CONFIGS[kind] },
    training: {
      createdAt: '2024-01-02T03:04:05.000Z',
      dataFile: 'data/netflix_titles.csv',
      dataSha256: 'cd'.repeat(32),
      splitFile: null,
      seed,
      trainSize: 40,
      validationSize: 10,
      testSize: 10,
      epochs: 2,
      bestEpoch: 1,
      batchSize: 8,
      learningRate: 0.005,
      monitor: 'micro',
      loss: 'bce',
      positiveWeights: true,
      seconds: 1.25,
      history: [{ epoch: 1, loss: 0.6, valMicroF1: 0.5 }],
      ...changes.training,
    },
    metrics: changes.metrics ?? { validation: { microF1: 0.5 }, test: null },
    versions: { plotline: '0.1.0', tfjs: '4.22.0', node: process.version },
  };
}

/** Saves an untrained tiny classifier as a model folder, for tests that load, serve or score one. */
export async function saveTinyModel(
  dir: string,
  options: { kind?: string; seed?: number; thresholds?: DecisionThresholds; metrics?: ManifestFields['metrics'] } = {},
): Promise<void> {
  const kind = options.kind ?? 'bag';
  const seed = options.seed ?? 3;
  const classifier = tinyClassifier(kind, seed, options.thresholds);
  await saveModel(classifier, tinyManifestFields(kind, seed, { metrics: options.metrics }), dir);
  classifier.dispose();
}
