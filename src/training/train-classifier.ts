/**
 * Trains one model kind end to end on already-split data: fit the encoder on the training texts, build
 * the network, run the training loop, tune thresholds on validation. Used by the CLI and the benchmark.
 */
import { scratchKind } from '../models/kinds.js';
import { GenreClassifier } from '../models/classifier.js';
import type { GenreModel } from '../models/genre-model.js';
import { positiveWeightsFrom } from '../models/losses.js';
import { tuneDecisionThresholds } from '../evaluation/decision-thresholds.js';
import { fitClassifier, type EpochLog, type FitResult } from './trainer.js';
import type { TrainingSettings } from '../models/training-settings.js';
import { coverageOf, readWordVectors, type WordVectorCoverage } from '../text/word-vectors.js';
import { pretrainedEmbedding, type PretrainedEmbedding } from '../models/vectorizers/word-vector-table.js';
import { WordVectorizer } from '../models/vectorizers/word-vectorizer.js';
import type { Vectorizer } from '../models/vectorizers/vectorizer.js';
import { PlotlineError } from '../util/errors.js';

export interface LabelledTexts {
  texts: readonly string[];
  /** Multi-hot, n x genres row-major. */
  targets: Float32Array;
}

export interface TrainClassifierOptions extends Partial<TrainingSettings> {
  /** Called once pretrained word vectors (config `wordVectors`) are read, with how much of the vocabulary they cover. */
  onWordVectors?: (coverage: WordVectorCoverage) => void;
  /** Things worth telling that do not stop training (the kind's default embeddingDim replaced by the word vectors' dimension). */
  onWarning?: (message: string) => void;
  kind: string;
  /** Overrides of the kind's network/encoder config (validated by the kind's schema). */
  config?: Record<string, unknown>;
  seed: number;
  onEpoch?: (log: EpochLog, maxEpochs: number) => void;
  onBatch?: (progress: { epoch: number; batch: number; batches: number; loss: number }) => void;
}

export interface TrainedClassifier<Model extends GenreModel = GenreClassifier> {
  classifier: Model;
  kind: string;
  /** The config the network was built with, defaults filled in. */
  config: Record<string, unknown>;
  training: TrainingSettings & { seed: number };
  history: EpochLog[];
  bestEpoch: number;
  trainSeconds: number;
  validation: { scores: Float32Array; microF1Global: number; microF1PerGenre: number };
}

/** The settings a run uses: the kind's defaults, overridden by the caller's. */
export function resolveTraining(defaults: TrainingSettings, options: Partial<TrainingSettings> & { seed: number }): TrainingSettings & { seed: number } {
  return {
    epochs: options.epochs ?? defaults.epochs,
    batchSize: options.batchSize ?? defaults.batchSize,
    learningRate: options.learningRate ?? defaults.learningRate,
    patience: options.patience ?? defaults.patience,
    monitor: options.monitor ?? defaults.monitor,
    loss: options.loss ?? defaults.loss,
    positiveWeights: options.positiveWeights ?? defaults.positiveWeights,
    seed: options.seed,
  };
}

export async function trainClassifier(
  genres: readonly string[],
  train: LabelledTexts,
  validation: LabelledTexts,
  options: TrainClassifierOptions,
): Promise<TrainedClassifier> {
  const kind = scratchKind(options.kind);
  const config = kind.config.parse(options.config ?? {}) as Record<string, unknown>;
  const training = resolveTraining(kind.training, options);
  const k = genres.length;
  const started = performance.now();
  const encoder = kind.fitVectorizer(train.texts, config);
  const encodedTrain = train.texts.map((t) => encoder.encode(t));
  const encodedValidation = validation.texts.map((t) => encoder.encode(t));
  const pretrained = await pretrainedFor(config, encoder, options.seed, { kind: kind.name, given: options.config?.embeddingDim, onWarning: options.onWarning });
  if (pretrained !== null) options.onWordVectors?.(config.wordVectorCoverage as WordVectorCoverage);
  const network = kind.build(config, encoder, encodedTrain, k, options.seed, pretrained);
  const classifier = new GenreClassifier(network, encoder, genres, { global: 0.5, perGenre: null, mode: 'global' });
  const fit = await fitClassifier(
    classifier,
    { encoded: encodedTrain, targets: train.targets },
    { encoded: encodedValidation, targets: validation.targets },
    {
      ...training,
      positiveWeights: training.positiveWeights ? positiveWeightsFrom(train.targets, k) : null,
      onEpoch: (log) => options.onEpoch?.(log, training.epochs),
      onBatch: options.onBatch,
      createStep: kind.trainingStep === undefined ? undefined : (net, stepOptions) => kind.trainingStep!(config, net, stepOptions),
      fastScorer: kind.fastScorer === undefined ? undefined : (net) => kind.fastScorer!(config, net),
    },
  );
  return finishTraining(classifier, { kind: kind.name, config, training, fit, validationTargets: validation.targets, started });
}

/**
 * The starting embedding from `config.wordVectors` (a word kind's config), or null without it. Sets
 * `config.embeddingDim` to the vectors' dimension and records `config.wordVectorCoverage` (both land in
 * the manifest). An embeddingDim the config gave (`embedding.given`) must be the vectors' dimension; the
 * kind's default is replaced with a warning through `embedding.onWarning`.
 * Throws a PlotlineError for an unreadable or malformed vector file (see word-vectors.ts), when the kind
 * does not read words, or when the config's embeddingDim differs from the vectors' dimension (naming both).
 */
async function pretrainedFor(
  config: Record<string, unknown>,
  encoder: Vectorizer,
  seed: number,
  embedding: { kind: string; given: unknown; onWarning?: (message: string) => void },
): Promise<PretrainedEmbedding | null> {
  const file = config.wordVectors;
  if (typeof file !== 'string') return null;
  if (!(encoder instanceof WordVectorizer)) throw new PlotlineError('wordVectors (--word-vectors) needs a kind that reads words: cnn or bilstm', { field: 'wordVectors' });
  const tokens = encoder.vocabulary.toJSON().tokens;
  const vectors = await readWordVectors(file, new Set(tokens));
  if (embedding.given !== undefined && embedding.given !== vectors.dimension) {
    throw new PlotlineError(
      `config embeddingDim is ${String(embedding.given)}, but the word vectors have ${vectors.dimension} dimensions: the embedding starts from the vectors, so it is as wide as they are; leave embeddingDim out or set it to ${vectors.dimension}`,
      { file, field: 'embeddingDim' },
    );
  }
  if (embedding.given === undefined && config.embeddingDim !== vectors.dimension) {
    embedding.onWarning?.(`${embedding.kind}'s default embeddingDim ${String(config.embeddingDim)} is replaced by the ${vectors.dimension} dimensions of the word vectors in ${file}`);
  }
  config.embeddingDim = vectors.dimension;
  const coverage = coverageOf(tokens, vectors);
  // No word found is a misread file (a header whose dimension is not the lines', say), not vectors to train from.
  if (coverage.found === 0) {
    throw new PlotlineError(`none of the ${coverage.words} vocabulary words is in the file, read as ${vectors.dimension}-d vectors: check its format and, for a .vec, that its header's dimension is the number of values on each line`, { file });
  }
  config.wordVectorCoverage = coverage;
  // A seed of its own for the rows the vectors lack, apart from the network's initialisers.
  return pretrainedEmbedding(tokens, vectors, (seed ^ 0x5bd1e995) >>> 0);
}

/** Tunes a trained model's thresholds on validation and packages the run (both training pipelines end here). */
export function finishTraining<Model extends GenreModel>(
  model: Model,
  run: { kind: string; config: Record<string, unknown>; training: TrainingSettings & { seed: number }; fit: FitResult; validationTargets: Float32Array; started: number },
): TrainedClassifier<Model> {
  // The text model's own thresholds, as before genre rules and fields: `addCatalogue` replaces them in
  // train and compare; they stay in the benchmark's plain rows, chosen for micro-F1 as its peers' are.
  const tuned = tuneDecisionThresholds(run.validationTargets, run.fit.validationScores, model.genres.length, { objective: 'micro' });
  model.thresholds = tuned.thresholds;
  return {
    classifier: model,
    kind: run.kind,
    config: run.config,
    training: run.training,
    history: run.fit.history,
    bestEpoch: run.fit.bestEpoch,
    trainSeconds: (performance.now() - run.started) / 1000,
    validation: { scores: run.fit.validationScores, ...tuned.microF1 },
  };
}
