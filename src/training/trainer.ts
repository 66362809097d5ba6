/**
 * The training loop: Adam over length-bucketed batches, validation after every epoch, early stopping
 * on validation micro-F1 (or macro-F1, per `monitor`) with the best epoch's weights restored.
 *
 * Written around `trainOnBatch` rather than `fit` because each batch is padded only to its own longest
 * text (descriptions are 12-48 words; padding every batch to 48 would double the work). The loop
 * (`fitNetwork`) knows nothing of text: a TrainingSet gives it batches, so the from-scratch kinds and
 * the heads over pretrained embeddings train the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { sequenceTrainingSet, type TrainingSet } from './training-set.js';
import { createRng } from '../util/random.js';
import { selectRows } from '../util/row-matrix.js';
import { lossFunction } from '../models/losses.js';
import type { TrainingSettings } from '../models/training-settings.js';
import { kerasStep } from '../models/steps/keras-step.js';
import type { StepOptions, TrainingStep } from '../models/steps/training-step.js';
import { macroF1 } from '../evaluation/metrics.js';
import { applyThresholds } from '../models/thresholds.js';
import { tuneGlobalThreshold } from '../evaluation/thresholds.js';
import type { GenreClassifier } from '../models/classifier.js';
import type { EncodedScorer } from '../models/bag/linear-bag-scorer.js';

export interface FitOptions extends Omit<TrainingSettings, 'positiveWeights'> {
  /** Per-genre weights of the positive term in binary cross-entropy, or null for none. */
  positiveWeights: Float32Array | null;
  seed: number;
  onEpoch?: (log: EpochLog) => void;
  onBatch?: (progress: { epoch: number; batch: number; batches: number; loss: number }) => void;
  /** How a batch updates the network (default: Keras trainOnBatch with Adam). */
  createStep?: (network: tf.LayersModel, options: StepOptions) => TrainingStep;
}

export interface ValidationSet {
  /** Multi-hot targets, n x genres row-major. */
  targets: Float32Array;
  /**
   * Scores the validation rows with the parameters as they are now, the way the trained model will
   * predict: with `step.scorer()` when the step has one, else with the network after `step.syncNetwork()`
   * (a kind with a fast scorer rebuilds it there).
   */
  score(step: TrainingStep): Float32Array;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  /** Validation micro-F1 at the best single threshold for this epoch. */
  valMicroF1: number;
  valMacroF1: number;
  threshold: number;
  seconds: number;
}

export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  /** Validation scores of the restored best epoch, n x genres. */
  validationScores: Float32Array;
  seconds: number;
}

export async function fitNetwork(network: tf.LayersModel, train: TrainingSet, validation: ValidationSet, options: FitOptions): Promise<FitResult> {
  const k = network.outputs[0].shape[1] as number;
  const rng = createRng(options.seed);
  const stepOptions: StepOptions = {
    learningRate: options.learningRate,
    loss: lossFunction(options.loss, options.positiveWeights),
    lossName: options.loss,
    positiveWeights: options.positiveWeights,
    plannedSteps: options.epochs * Math.ceil(train.targets.length / k / options.batchSize),
  };
  const step = (options.createStep ?? kerasStep)(network, stepOptions);
  const history: EpochLog[] = [];
  let best: { epoch: number; score: number; scores: Float32Array } | null = null;
  const started = performance.now();

  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      const batches = train.epochBatches(options.batchSize, rng);
      let lossSum = 0;
      for (let b = 0; b < batches.length; b++) {
        const input = train.batchInput(batches[b]);
        const y = tf.tensor2d(selectRows(train.targets, batches[b], k), [input.rows, k]);
        let loss: number;
        try {
          loss = await step.trainOnBatch(input.values, input.rows, input.cols, y);
        } finally {
          y.dispose();
        }
        lossSum += loss;
        options.onBatch?.({ epoch, batch: b + 1, batches: batches.length, loss });
      }
      const scores = validation.score(step);
      const tuned = tuneGlobalThreshold(validation.targets, scores, k);
      const log: EpochLog = {
        epoch,
        loss: lossSum / batches.length,
        valMicroF1: tuned.microF1,
        valMacroF1: macroF1(validation.targets, applyThresholds(scores, k, tuned.threshold), k),
        threshold: tuned.threshold,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(log);
      options.onEpoch?.(log);
      const watched = options.monitor === 'macro' ? log.valMacroF1 : log.valMicroF1;
      if (best === null || watched > best.score) {
        best = { epoch, score: watched, scores };
        step.keepBest();
      } else if (epoch - best.epoch >= options.patience) {
        break;
      }
    }
    if (best === null) throw new Error('training ran no epoch: epochs must be at least 1');
    step.restoreBest();
  } finally {
    step.dispose();
  }
  return { history, bestEpoch: best.epoch, validationScores: best.scores, seconds: (performance.now() - started) / 1000 };
}

export interface EncodedSet {
  encoded: readonly Int32Array[];
  /** Multi-hot targets, n x genres row-major. */
  targets: Float32Array;
}

/**
 * Trains a from-scratch classifier on encoded texts. `fastScorer`, the kind's exact fast scorer, is
 * rebuilt from the network after every epoch and after the best epoch is restored, so validation is
 * scored the way the trained model will predict (and, for bag, in a fraction of the network's time).
 */
export async function fitClassifier(
  classifier: GenreClassifier,
  train: EncodedSet,
  validation: EncodedSet,
  options: FitOptions & { fastScorer?: (network: tf.LayersModel) => EncodedScorer },
): Promise<FitResult> {
  const { network, vectorizer } = classifier;
  const installFastScorer = (): void => {
    if (options.fastScorer !== undefined) classifier.useFastScorer(options.fastScorer(network));
  };
  const result = await fitNetwork(network, sequenceTrainingSet(train.encoded, train.targets, vectorizer), {
    targets: validation.targets,
    score: (step) => {
      if (step.scorer !== undefined) return step.scorer()(validation.encoded);
      step.syncNetwork();
      installFastScorer();
      return classifier.scoreEncoded(validation.encoded);
    },
  }, options);
  installFastScorer();
  // The scores thresholds are tuned on are the trained model's own (a step's scorer may round differently).
  return { ...result, validationScores: classifier.scoreEncoded(validation.encoded) };
}
