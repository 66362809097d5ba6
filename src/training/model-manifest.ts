/** The manifest fields describing how a model was trained and how it scored, from a training run. */
import * as tf from '@tensorflow/tfjs';
import type { Manifest } from '../models/storage.js';
import type { Evaluation } from '../evaluation/evaluate-scores.js';
import { summarise } from '../evaluation/evaluate-scores.js';
import { PLOTLINE_VERSION } from '../version.js';
import type { TrainedModel } from './train-model.js';

export interface RunContext {
  dataFile: string;
  dataSha256: string;
  splitFile: string | null;
  sizes: { train: number; validation: number; test: number };
}

/** Where a model's data came from and how it was split, as every manifest (trained or ensemble) records it. */
export function dataFields(run: RunContext) {
  return {
    dataFile: run.dataFile,
    dataSha256: run.dataSha256,
    splitFile: run.splitFile,
    trainSize: run.sizes.train,
    validationSize: run.sizes.validation,
    testSize: run.sizes.test,
  };
}

/** The versions a manifest or report records. */
export function runtimeVersions(): { plotline: string; tfjs: string; node: string } {
  return { plotline: PLOTLINE_VERSION, tfjs: tf.version.tfjs, node: process.versions.node };
}

export function manifestFields(
  trained: TrainedModel,
  run: RunContext,
  evaluations: { validation: Evaluation | null; test: Evaluation | null },
): Omit<Manifest, 'encoder' | 'genres' | 'thresholds' | 'format' | 'formatVersion'> {
  return {
    kind: trained.kind,
    config: trained.config,
    training: {
      createdAt: new Date().toISOString(),
      ...dataFields(run),
      seed: trained.training.seed,
      epochs: trained.training.epochs,
      bestEpoch: trained.bestEpoch,
      batchSize: trained.training.batchSize,
      learningRate: trained.training.learningRate,
      monitor: trained.training.monitor,
      loss: trained.training.loss,
      positiveWeights: trained.training.positiveWeights,
      seconds: trained.trainSeconds,
      history: trained.history.map((h) => ({ ...h })),
    },
    metrics: {
      validation: evaluations.validation === null ? null : summarise(evaluations.validation),
      test: evaluations.test === null ? null : summarise(evaluations.test),
    },
    versions: runtimeVersions(),
  };
}
