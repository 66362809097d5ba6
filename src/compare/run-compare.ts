/**
 * `plotline compare`: trains and evaluates a list of models on one split with one seed and gathers
 * what the report shows. Every model sees the same train / validation / test rows; thresholds and
 * ensemble weights are tuned on validation only; test is scored once per model. A model that fails
 * becomes a "failed" row and the others go on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, foldData } from '../data/dataset.js';
import { trainModel, type TrainedModel } from '../training/train-model.js';
import { tuneDecisionThresholds } from '../evaluation/decision-thresholds.js';
import type { LabelledTexts } from '../training/train-classifier.js';
import { dataFields, manifestFields, runtimeVersions, type RunContext } from '../training/model-manifest.js';
import type { EpochLog } from '../training/trainer.js';
import { evaluateScores, summarise, type Evaluation } from '../evaluation/evaluate-scores.js';
import { precisionRecallCurve } from '../evaluation/thresholds.js';
import { FORMAT_VERSION, saveModel } from '../models/storage.js';
import { saveEnsemble } from '../models/ensemble/ensemble-storage.js';
import { EncoderHeadClassifier } from '../models/encoder-head/encoder-head-classifier.js';
import type { OpenEncoderOptions } from '../encoders/open-encoder.js';
import { folderBytes } from '../util/folder-size.js';
import { oneLineMessage } from '../util/errors.js';
import type { ComparedModel, CompareReport } from '../report/report-data.js';
import { isEnsemble, type CompareConfig, type EnsembleSpec, type TrainedModelSpec } from './compare-config.js';
import { averageScores, tuneEnsembleWeights } from './ensemble.js';

export interface CompareHooks {
  onModelStart?(name: string, index: number, total: number): void;
  onEpoch?(name: string, log: EpochLog, maxEpochs: number): void;
  onBatch?(name: string, progress: { epoch: number; batch: number; batches: number; loss: number }): void;
  onEmbed?(name: string, done: number, total: number): void;
  onModelEnd?(row: ComparedModel): void;
  onWarning?(message: string): void;
}

export interface RunCompareOptions {
  config: CompareConfig & { data: string; seed: number };
  encoder?: OpenEncoderOptions;
  /** Embedding cache folder; null: none. */
  cacheDir: string | null;
  /** Save each trained model to `<dir>/<name>`; null: models are measured on disk, then deleted. */
  modelsDir: string | null;
  /** Texts timed for predictions per second (from the test fold, cache bypassed). */
  timingSample?: number;
  hooks?: CompareHooks;
}

/** What a finished model leaves for ensembles that use it. */
interface Finished {
  validation: Float32Array;
  test: Float32Array;
  row: ComparedModel;
}

export async function runCompare(options: RunCompareOptions): Promise<CompareReport> {
  const started = performance.now();
  const { config } = options;
  const hooks = options.hooks ?? {};
  const dataset = await loadDataset(config.data, { splitFile: config.split, seed: config.seed, validationFraction: config.validationFraction ?? 0.15 });
  const train = foldData(dataset, dataset.folds.train);
  const validation = foldData(dataset, dataset.folds.validation);
  const test = foldData(dataset, dataset.folds.test);
  const genres = dataset.genres.genres;
  const run: RunContext = {
    dataFile: config.data,
    dataSha256: dataset.sha256,
    splitFile: config.split ?? null,
    sizes: { train: train.texts.length, validation: validation.texts.length, test: test.texts.length },
  };
  const finished = new Map<string, Finished>();
  const rows: ComparedModel[] = [];
  for (const [index, spec] of config.models.entries()) {
    hooks.onModelStart?.(spec.name, index, config.models.length);
    let row: ComparedModel;
    try {
      const result = isEnsemble(spec)
        ? await evaluateEnsemble(spec, finished, { validation: validation.targets, test: test.targets, genres, seed: config.seed, run, modelsDir: options.modelsDir })
        : await trainAndEvaluate(spec, { genres, train, validation, test, run, options });
      finished.set(spec.name, result);
      row = result.row;
    } catch (error) {
      row = { name: spec.name, kind: isEnsemble(spec) ? 'ensemble' : spec.kind, status: 'failed', error: oneLineMessage(error) };
    }
    rows.push(row);
    hooks.onModelEnd?.(row);
  }
  return {
    createdAt: new Date().toISOString(),
    data: { file: config.data, sha256: dataset.sha256, split: config.split ?? null, trainSize: run.sizes.train, validationSize: run.sizes.validation, testSize: run.sizes.test },
    seed: config.seed,
    genres: [...genres],
    genreCounts: { train: genreCounts([train.targets, validation.targets], genres.length), test: genreCounts([test.targets], genres.length) },
    models: rows,
    versions: runtimeVersions(),
    seconds: (performance.now() - started) / 1000,
  };
}

interface Folds {
  genres: readonly string[];
  train: LabelledTexts;
  validation: LabelledTexts;
  test: LabelledTexts;
  run: RunContext;
  options: RunCompareOptions;
}

async function trainAndEvaluate(spec: TrainedModelSpec, folds: Folds): Promise<Finished> {
  const { genres, train, validation, test, run, options } = folds;
  const hooks = options.hooks ?? {};
  const seed = options.config.seed;
  const trained: TrainedModel = await trainModel(genres, train, validation, {
    kind: spec.kind,
    config: spec.config,
    seed,
    epochs: spec.epochs,
    batchSize: spec.batchSize,
    learningRate: spec.learningRate,
    patience: spec.patience,
    loss: spec.loss,
    monitor: spec.monitor,
    encoder: { ...options.encoder, spec: spec.encoder },
    cacheDir: options.cacheDir,
    onEpoch: (log, max) => hooks.onEpoch?.(spec.name, log, max),
    onBatch: (progress) => hooks.onBatch?.(spec.name, progress),
    onEmbed: (done, total) => hooks.onEmbed?.(spec.name, done, total),
    onWarning: hooks.onWarning,
  });
  const model = trained.classifier;
  try {
    const testScores = await model.score(test.texts);
    const thresholds = model.activeThresholds();
    const evaluation = evaluateScores(test.targets, testScores, genres, thresholds, seed);
    const predictionsPerSecond = await timePredictions(model, test.texts.slice(0, options.timingSample ?? 512));
    const validationEvaluation = evaluateScores(validation.targets, trained.validation.scores, genres, thresholds, seed);
    const fields = manifestFields(trained, run, { validation: validationEvaluation, test: evaluation });
    const { dir, keep } = options.modelsDir === null ? { dir: await mkdtemp(join(tmpdir(), 'plotline-compare-')), keep: false } : { dir: options.modelsDir, keep: true };
    const modelDir = join(dir, safeFolderName(spec.name));
    let sizeBytes: number;
    try {
      await saveModel(model, fields, modelDir);
      sizeBytes = await folderBytes(modelDir);
    } finally {
      if (!keep) await rm(dir, { recursive: true, force: true });
    }
    const row: ComparedModel = {
      name: spec.name,
      kind: trained.kind,
      status: 'ok',
      test: testSection(evaluation, testScores, test.targets, genres.length),
      history: trained.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valMicroF1: h.valMicroF1, valMacroF1: h.valMacroF1 })),
      bestEpoch: trained.bestEpoch,
      trainSeconds: trained.trainSeconds,
      ...(trained.embedding === undefined ? {} : { embeddingsCached: trained.embedding.computed === 0 }),
      predictionsPerSecond,
      parameters: {
        trained: weightCount(model.network.trainableWeights),
        frozen: frozenParameters(model),
      },
      sizeBytes,
      ...(keep ? { modelDir } : {}),
    };
    return { validation: trained.validation.scores, test: testScores, row };
  } finally {
    await model.dispose();
  }
}

/** Frozen weights: a pretrained encoder's, plus any non-trainable layer (bag's idf column). */
function frozenParameters(model: TrainedModel['classifier']): number {
  const inNetwork = weightCount(model.network.nonTrainableWeights);
  return inNetwork + (model instanceof EncoderHeadClassifier ? (model.encoder.parameters ?? 0) : 0);
}

function weightCount(weights: readonly { shape: readonly (number | null)[] }[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/** End-to-end texts per second on `texts`, after a warm-up call; encoder + head models bypass the embedding cache. */
async function timePredictions(model: TrainedModel['classifier'], texts: readonly string[]): Promise<number> {
  const timed = model instanceof EncoderHeadClassifier ? model.withoutCache() : model;
  await timed.score(texts.slice(0, 16));
  const started = performance.now();
  await timed.score(texts);
  return texts.length / ((performance.now() - started) / 1000);
}

interface EnsembleContext {
  validation: Float32Array;
  test: Float32Array;
  genres: readonly string[];
  seed: number;
  run: RunContext;
  modelsDir: string | null;
}

async function evaluateEnsemble(spec: EnsembleSpec, finished: Map<string, Finished>, context: EnsembleContext): Promise<Finished> {
  const { validation: validationTargets, test: testTargets, genres, seed } = context;
  const members = spec.ensemble.map((name) => {
    const member = finished.get(name);
    if (member === undefined) throw new Error(`member "${name}" failed, so the ensemble cannot be formed`);
    return member;
  });
  const k = genres.length;
  const weights = tuneEnsembleWeights(members.map((m) => m.validation), validationTargets, k);
  const validation = averageScores(members.map((m) => m.validation), weights);
  const test = averageScores(members.map((m) => m.test), weights);
  const tuned = tuneDecisionThresholds(validationTargets, validation, k);
  const thresholds = tuned.thresholds.mode === 'perGenre' && tuned.thresholds.perGenre !== null ? tuned.thresholds.perGenre : tuned.thresholds.global;
  const evaluation = evaluateScores(testTargets, test, genres, thresholds, seed);
  const rows = members.map((m) => m.row);
  const sum = (pick: (row: ComparedModel) => number | undefined): number => rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
  const row: ComparedModel = {
    name: spec.name,
    kind: 'ensemble',
    status: 'ok',
    test: testSection(evaluation, test, testTargets, k),
    history: [],
    trainSeconds: sum((r) => r.trainSeconds),
    // Every member scores every text, one after the other.
    predictionsPerSecond: 1 / sum((r) => (r.predictionsPerSecond === undefined ? 0 : 1 / r.predictionsPerSecond)),
    parameters: { trained: sum((r) => r.parameters?.trained), frozen: sum((r) => r.parameters?.frozen) },
    sizeBytes: sum((r) => r.sizeBytes),
    ensembleWeights: Object.fromEntries(spec.ensemble.map((name, i) => [name, weights[i]])),
  };
  // Saved like the trained models when they are kept: the members' folders are copied in, so it serves alone.
  if (context.modelsDir !== null && rows.every((r) => r.modelDir !== undefined)) {
    const modelDir = join(context.modelsDir, safeFolderName(spec.name));
    const validationEvaluation = evaluateScores(validationTargets, validation, genres, thresholds, seed);
    await saveEnsemble(
      spec.ensemble.map((name, i) => ({ name: safeFolderName(name), dir: rows[i].modelDir!, weight: weights[i] })),
      {
        format: 'plotline-model',
        formatVersion: FORMAT_VERSION,
        genres: [...genres],
        thresholds: tuned.thresholds,
        training: { createdAt: new Date().toISOString(), ...dataFields(context.run), seed, seconds: row.trainSeconds ?? 0 },
        metrics: { validation: summarise(validationEvaluation), test: summarise(evaluation) },
        versions: runtimeVersions(),
      },
      modelDir,
    );
    row.sizeBytes = await folderBytes(modelDir);
    row.modelDir = modelDir;
  }
  return { validation, test, row };
}

function testSection(evaluation: Evaluation, scores: Float32Array, targets: Float32Array, k: number): NonNullable<ComparedModel['test']> {
  const { atHalf, tuned, microF1Interval } = evaluation;
  const set = (m: typeof tuned) => ({ microF1: m.microF1, macroF1: m.macroF1, samplesF1: m.samplesF1 });
  return {
    atHalf: set(atHalf),
    tuned: set(tuned),
    microF1Interval,
    precisionAt1: tuned.precisionAt1,
    lrap: tuned.lrap,
    macroAuc: tuned.macroAuc,
    perGenreF1: tuned.perGenre.map((g) => g.f1),
    thresholdCurve: precisionRecallCurve(targets, scores, k),
  };
}

function genreCounts(targetSets: Float32Array[], k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const targets of targetSets) for (let i = 0; i < targets.length; i++) if (targets[i] >= 0.5) counts[i % k]++;
  return counts;
}

/** A model name as a folder name: "bag+use" stays readable, anything path-like is replaced. */
function safeFolderName(name: string): string {
  return name.replace(/[^A-Za-z0-9._+-]/g, '_');
}
