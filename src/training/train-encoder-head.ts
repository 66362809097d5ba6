/**
 * Trains an encoder + head model: embed the training and validation texts once with the frozen
 * encoder (reusing cached vectors), then train only the head in the same loop and with the same
 * early stopping and threshold tuning as the from-scratch kinds.
 */
import { headKind } from '../models/kinds.js';
import { buildHead } from '../models/encoder-head/head.js';
import { EncoderHeadClassifier } from '../models/encoder-head/encoder-head-classifier.js';
import { NetworkHead } from '../models/encoder-head/network-head.js';
import { positiveWeightsFrom } from '../models/losses.js';
import type { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { embedWithCache, type EmbeddingCache } from '../encoders/embedding-cache.js';
import { fitNetwork } from './trainer.js';
import { featureTrainingSet } from './training-set.js';
import { finishTraining, resolveTraining, type LabelledTexts, type TrainClassifierOptions, type TrainedClassifier } from './train-classifier.js';

export interface TrainEncoderHeadOptions extends TrainClassifierOptions {
  encoder: SentenceEncoder;
  /** Where embeddings are kept between runs; null embeds every text every time. */
  cache: EmbeddingCache | null;
  /** Progress of embedding the texts the cache lacks. */
  onEmbed?: (done: number, total: number) => void;
  /** The cache could not be saved: this run is unaffected, the next one embeds again. */
  onWarning?: (message: string) => void;
}

export interface TrainedEncoderHead extends TrainedClassifier<EncoderHeadClassifier> {
  /** Seconds spent embedding (near 0 when every text was cached) and how many texts were cached. */
  embedding: { seconds: number; cached: number; computed: number };
}

export async function trainEncoderHead(
  genres: readonly string[],
  train: LabelledTexts,
  validation: LabelledTexts,
  options: TrainEncoderHeadOptions,
): Promise<TrainedEncoderHead> {
  const kind = headKind(options.kind);
  const config = kind.config.parse(options.config ?? {});
  const training = resolveTraining(kind.training, options);
  const { encoder } = options;
  const k = genres.length;
  const started = performance.now();
  // One call for both sets: the cache is read and written once, and duplicates are embedded once.
  const all = [...train.texts, ...validation.texts];
  const embedded = await embedWithCache(encoder, all, options.cache, options.onEmbed);
  const embedSeconds = (performance.now() - started) / 1000;
  if (embedded.warning !== null) options.onWarning?.(embedded.warning);
  const d = encoder.dimension;
  const trainVectors = embedded.vectors.subarray(0, train.texts.length * d);
  const validationVectors = embedded.vectors.subarray(train.texts.length * d);

  const network = buildHead(config, d, k, options.seed);
  const classifier = new EncoderHeadClassifier(encoder, new NetworkHead(network), genres, { global: 0.5, perGenre: null, mode: 'global' }, options.cache);
  const fit = await fitNetwork(
    network,
    featureTrainingSet(trainVectors, d, train.targets),
    { targets: validation.targets, score: (step) => (step.syncNetwork(), classifier.scoreEmbeddings(validationVectors)) },
    {
      ...training,
      positiveWeights: training.positiveWeights ? positiveWeightsFrom(train.targets, k) : null,
      onEpoch: (log) => options.onEpoch?.(log, training.epochs),
      onBatch: options.onBatch,
    },
  );
  return {
    ...finishTraining(classifier, { kind: kind.name, config, training, fit, validationTargets: validation.targets, started }),
    embedding: { seconds: embedSeconds, cached: embedded.hits, computed: embedded.misses },
  };
}
