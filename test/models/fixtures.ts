/** Tiny classifiers of every kind for the model tests (untrained: their scores are the initial weights'). */
import { MODEL_KINDS } from '../../src/models/kinds.js';
import { GenreClassifier, type DecisionThresholds } from '../../src/models/classifier.js';

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

export function tinyClassifier(kindName: string, seed = 1, thresholds?: DecisionThresholds): GenreClassifier {
  const kind = MODEL_KINDS[kindName];
  const config = kind.config.parse(TINY_CONFIGS[kindName] ?? {});
  const encoder = kind.fitEncoder(TEXTS, config);
  const encoded = TEXTS.map((t) => encoder.encode(t));
  const network = kind.build(config, encoder, encoded, GENRES.length, seed);
  const classifier = new GenreClassifier(network, encoder, GENRES, thresholds ?? { global: 0.5, perGenre: null, mode: 'global' });
  // As trainClassifier and loadModel do: predict through the kind's faster exact scorer where it has one.
  if (kind.fastScorer !== undefined) classifier.useFastScorer(kind.fastScorer(config, network));
  return classifier;
}
