/**
 * `plotline compare`: trains and evaluates a list of models on one split with one seed and gathers
 * what the report shows. Every model sees the same train / validation / test rows; thresholds and
 * ensemble weights are tuned on validation only; test is scored once per model. A model that fails
 * becomes a "failed" row and the others go on.
 */
import type { DecisionThresholds } from '../models/thresholds.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, splitData } from '../data/dataset.js';
import { trainModel, type TrainedModel } from '../training/train-model.js';
import type { LabelledTexts } from '../training/train-classifier.js';
import { ensembleManifestFields, runtimeVersions, type RunContext } from '../models/manifest.js';
import type { EpochLog } from '../training/trainer.js';
import { evaluateScores, summarise, type Evaluation } from '../evaluation/evaluate-scores.js';
import { precisionRecallCurve } from '../evaluation/thresholds.js';
import { evaluateAndSave, type EvaluatedModel } from '../training/evaluate-and-save.js';
import { applyThresholds } from '../models/thresholds.js';
import { macroF1 } from '../evaluation/metrics.js';
import { saveEnsemble } from '../models/ensemble/ensemble-storage.js';
import type { FieldValues, GenreModel } from '../models/genre-model.js';
import type { OpenEncoderOptions } from '../encoders/open-encoder.js';
import { folderBytes } from '../util/folder-size.js';
import { oneLineMessage } from '../util/errors.js';
import type { ComparedModel, CompareReport } from '../report/report-data.js';
import { isEnsemble, type CompareConfig, type EnsembleSpec, type TrainedModelSpec } from './compare-config.js';
import { averageScores, tuneEnsembleWeights } from './ensemble.js';
import { addCatalogue, catalogueOptions, catalogueSplit, decideRules, type CatalogueOptions, type CatalogueRequest } from '../training/train-catalogue.js';
import { applyGenreRules, type GenreRules } from '../models/genre-rules.js';
import type { ColumnOptions } from '../data/columns.js';
import type { FileFormat } from '../data/records.js';
import type { Dataset } from '../data/dataset.js';

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
  /** How to read the data file (column flags, layout, lookalike labels). */
  read?: { columns?: ColumnOptions; format?: FileFormat; mergeLabels?: boolean };
  /** Fields and rules of the "fields" track (`--fields`, `--family-field`, `--max-genres`, `--no-rules`). */
  catalogue?: CatalogueRequest;
}

/** What a finished model leaves for ensembles that use it: its scores before the genre rules, and the rules. */
interface Finished {
  validation: Float32Array;
  /** Validation scores with the family field hidden from the model (for the unknown-family rule). */
  hiddenFamily: Float32Array;
  test: Float32Array;
  rules: GenreRules | null;
  /** Whether the model reads the family field itself (then the rules take it from each title). */
  readsFamily: boolean;
  row: ComparedModel;
}

/** One set of inputs every model is compared on. */
interface Track {
  name: 'description' | 'fields';
  catalogue: CatalogueOptions;
}

/** The row name of a model in a track: the description track keeps the plain name. */
export function trackedName(name: string, track: Track['name']): string {
  return track === 'description' ? name : `${name} (fields)`;
}

export async function runCompare(options: RunCompareOptions): Promise<CompareReport> {
  const started = performance.now();
  const { config } = options;
  const hooks = options.hooks ?? {};
  const dataset = await loadDataset(config.data, {
    splitFile: config.split,
    seed: config.seed,
    validationFraction: config.validationFraction ?? 0.15,
    ...options.read,
  });
  const fieldsTrack = catalogueOptions(dataset, { ...options.catalogue, fields: config.fields ?? options.catalogue?.fields }, config.seed);
  const wanted = config.tracks ?? (fieldsTrack.fields.length > 0 ? ['description', 'fields'] : ['description']);
  const tracks: Track[] = wanted.map((name) => ({ name, catalogue: name === 'fields' ? fieldsTrack : { ...fieldsTrack, fields: [] } }));
  if (tracks.some((t) => t.name === 'fields') && fieldsTrack.fields.length === 0) {
    throw new Error(`the "fields" track needs catalogue fields, and ${config.data} has none of ${['type', 'country', 'rating', 'duration', 'release_year', 'cast', 'director', 'title'].join(', ')} (name others with --fields)`);
  }
  const train = splitData(dataset, dataset.splits.train);
  const validation = splitData(dataset, dataset.splits.validation);
  const test = splitData(dataset, dataset.splits.test);
  const genres = dataset.genres.genres;
  const run: RunContext = {
    dataFile: config.data,
    dataSha256: dataset.sha256,
    splitFile: config.split ?? null,
    sizes: { train: train.texts.length, validation: validation.texts.length, test: test.texts.length },
  };
  // Per track, by the model's plain name (ensembles name their members that way).
  const finished = new Map<Track['name'], Map<string, Finished>>(tracks.map((t) => [t.name, new Map()]));
  const rows: ComparedModel[] = [];
  for (const [index, spec] of config.models.entries()) {
    hooks.onModelStart?.(spec.name, index, config.models.length);
    let results: Finished[];
    try {
      results = isEnsemble(spec)
        ? await Promise.all(
            tracks.map((track) =>
              evaluateEnsemble(spec, track, finished.get(track.name)!, {
                validation,
                test,
                genres,
                seed: config.seed,
                run,
                modelsDir: options.modelsDir,
                dataset,
              }),
            ),
          )
        : await trainAndEvaluate(spec, tracks, { genres, train, validation, test, run, options, dataset });
    } catch (error) {
      results = tracks.map((track) => ({
        validation: new Float32Array(0),
        hiddenFamily: new Float32Array(0),
        test: new Float32Array(0),
        rules: null,
        readsFamily: false,
        row: { name: trackedName(spec.name, track.name), kind: isEnsemble(spec) ? 'ensemble' : spec.kind, track: track.name, status: 'failed', error: oneLineMessage(error) },
      }));
    }
    results.forEach((result, t) => {
      if (result.row.status === 'ok') finished.get(tracks[t].name)!.set(spec.name, result);
      rows.push(result.row);
      hooks.onModelEnd?.(result.row);
    });
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

type FieldedTexts = LabelledTexts & { fields: FieldValues[] };

interface Splits {
  genres: readonly string[];
  train: LabelledTexts;
  validation: FieldedTexts;
  test: FieldedTexts;
  run: RunContext;
  options: RunCompareOptions;
  dataset: Dataset;
}

/** The report's account of a model's genre rules (see ComparedModel.rules). */
function ruleSummary(rules: GenreRules | null, readsFamily: boolean): ComparedModel['rules'] {
  if (rules === null) return null;
  const familyField = rules.families.length > 0 ? rules.familyField : null;
  return { familyField, familyGiven: familyField !== null && readsFamily, unknownFamily: rules.unknownFamily, maxGenres: rules.maxGenres };
}

/** Trains the text model once, then adds each track's fields and rules and evaluates it. */
async function trainAndEvaluate(spec: TrainedModelSpec, tracks: readonly Track[], folds: Splits): Promise<Finished[]> {
  const { genres, train, validation, test, options } = folds;
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
    positiveWeights: spec.positiveWeights,
    encoder: { ...options.encoder, spec: spec.encoder },
    cacheDir: options.cacheDir,
    onEpoch: (log, max) => hooks.onEpoch?.(spec.name, log, max),
    onBatch: (progress) => hooks.onBatch?.(spec.name, progress),
    onEmbed: (done, total) => hooks.onEmbed?.(spec.name, done, total),
    onWarning: hooks.onWarning,
  });
  const network = trained.classifier;
  const textTest = await network.score(test.texts);
  const results: Finished[] = [];
  try {
    for (const track of tracks) results.push(await evaluateTrack(spec, track, trained, textTest, folds));
  } finally {
    await network.dispose();
  }
  return results;
}

/** One track of a trained text model: fields and rules added, test scored once, saved (and measured) once. */
async function evaluateTrack(spec: TrainedModelSpec, track: Track, trained: TrainedModel, textTest: Float32Array, folds: Splits): Promise<Finished> {
  const { genres, validation, test, run, options, dataset } = folds;
  const seed = options.config.seed;
  const network = trained.classifier;
  const name = trackedName(spec.name, track.name);
  const catalogue = addCatalogue(network, trained.validation.scores, catalogueSplit(dataset, dataset.splits.train), validation, track.catalogue);
  const model = catalogue.model;
  {
    const { dir, keep } = options.modelsDir === null ? { dir: await mkdtemp(join(tmpdir(), 'plotline-compare-')), keep: false } : { dir: options.modelsDir, keep: true };
    const modelDir = join(dir, safeFolderName(name));
    let evaluated: EvaluatedModel;
    let sizeBytes: number;
    try {
      // The text model's test scores are shared by the tracks; only the field part is scored here.
      evaluated = await evaluateAndSave(trained, catalogue, track.catalogue, { dataset, validation, test, run, seed, out: modelDir, textTestScores: textTest });
      sizeBytes = await folderBytes(modelDir);
    } finally {
      if (!keep) await rm(dir, { recursive: true, force: true });
    }
    if (evaluated.test === null || evaluated.testScores === null) throw new Error('the test split has no titles: nothing to compare on');
    const { raw: rawTest, global: globalTest } = evaluated.testScores;
    const readsFamily = catalogue.rules?.familyField != null && model.inputFields.includes(catalogue.rules.familyField);
    const predictionsPerSecond = await timePredictions(model, test.texts.slice(0, options.timingSample ?? 512), test.fields);
    const row: ComparedModel = {
      name,
      kind: trained.kind,
      track: track.name,
      ...(track.catalogue.fields.length > 0 ? { fields: [...track.catalogue.fields] } : {}),
      status: 'ok',
      test: testSection(evaluated.test, globalTest, test.targets, genres.length),
      validationMacroF1AtHalf: macroF1(validation.targets, applyThresholds(trained.validation.scores, genres.length, 0.5), genres.length),
      rules: ruleSummary(catalogue.rules, readsFamily),
      thresholds: thresholdSummary(model.thresholds),
      ...wordVectorsOf(trained.config),
      history: trained.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valMicroF1: h.valMicroF1, valMacroF1: h.valMacroF1 })),
      bestEpoch: trained.bestEpoch,
      trainSeconds: trained.trainSeconds,
      ...(trained.embedding === undefined ? {} : { embeddingsCached: trained.embedding.computed === 0 }),
      predictionsPerSecond,
      parameters: model.parameterCounts(),
      sizeBytes,
      ...(keep ? { modelDir } : {}),
    };
    return { validation: catalogue.validation.raw, hiddenFamily: catalogue.validation.hiddenFamily, test: rawTest, rules: catalogue.rules, readsFamily, row };
  }
}

/** A model's thresholds as its report row keeps them (the per-genre values are in its manifest). */
function thresholdSummary(thresholds: DecisionThresholds): ComparedModel['thresholds'] {
  return { mode: thresholds.mode, global: thresholds.global, ...(thresholds.priorShift === undefined ? {} : { priorShift: thresholds.priorShift }) };
}

/** A word model's pretrained-vector coverage (config.wordVectorCoverage, written by training), for its row. */
function wordVectorsOf(config: Record<string, unknown>): Pick<ComparedModel, 'wordVectors'> {
  const coverage = config.wordVectorCoverage as { found: number; words: number } | undefined;
  return coverage === undefined ? {} : { wordVectors: { found: coverage.found, words: coverage.words, frozen: config.freezeEmbeddings === true } };
}

/** End-to-end texts per second on `texts`, after a warm-up call; encoder + head models bypass the embedding cache. */
async function timePredictions(model: GenreModel, texts: readonly string[], fields: readonly FieldValues[]): Promise<number> {
  const timed = model.withoutCache();
  await timed.scoreTitles(texts.slice(0, 16), fields.slice(0, 16));
  const started = performance.now();
  await timed.scoreTitles(texts, fields.slice(0, texts.length));
  return texts.length / ((performance.now() - started) / 1000);
}

interface EnsembleContext {
  validation: FieldedTexts;
  test: FieldedTexts;
  genres: readonly string[];
  seed: number;
  run: RunContext;
  modelsDir: string | null;
  dataset: Dataset;
}

async function evaluateEnsemble(spec: EnsembleSpec, track: Track, finished: Map<string, Finished>, context: EnsembleContext): Promise<Finished> {
  const { genres, seed } = context;
  const validationTargets = context.validation.targets;
  const testTargets = context.test.targets;
  const name = trackedName(spec.name, track.name);
  const members = spec.ensemble.map((name) => {
    const member = finished.get(name);
    if (member === undefined) throw new Error(`member "${name}" failed, so the ensemble cannot be formed`);
    return member;
  });
  const k = genres.length;
  const weights = tuneEnsembleWeights(members.map((m) => m.validation), validationTargets, k);
  const rawValidation = averageScores(members.map((m) => m.validation), weights);
  const rawTest = averageScores(members.map((m) => m.test), weights);
  // The ensemble's own rules: learned from the training rows, cap and unknown-family rule chosen on
  // its averaged validation scores, thresholds tuned for them, as for a trained model.
  const readsFamily = members.some((m) => m.readsFamily);
  const hiddenFamily = averageScores(members.map((m) => m.hiddenFamily), weights);
  const decided = decideRules(genres, catalogueSplit(context.dataset, context.dataset.splits.train), context.validation, track.catalogue, {
    raw: rawValidation,
    hiddenFamily,
    readsFamily,
  });
  const rules = decided.rules;
  const validation = decided.scores;
  const tuned = decided.tuned;
  const thresholds = tuned.thresholds.mode === 'perGenre' && tuned.thresholds.perGenre !== null ? tuned.thresholds.perGenre : tuned.thresholds.global;
  const testFields = readsFamily ? context.test.fields : undefined;
  const test = rules === null ? rawTest : applyGenreRules(rawTest, genres, rules, testFields, thresholds).scores;
  // As any one global threshold decides under the rules (the cap keeping the most probable): 0.5 and the threshold curve.
  const globalTest = rules === null ? rawTest : applyGenreRules(rawTest, genres, rules, testFields).scores;
  const evaluation = evaluateScores(testTargets, test, genres, thresholds, seed, rawTest, globalTest);
  const rows = members.map((m) => m.row);
  const sum = (pick: (row: ComparedModel) => number | undefined): number => rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
  const row: ComparedModel = {
    name,
    kind: 'ensemble',
    track: track.name,
    ...(track.catalogue.fields.length > 0 ? { fields: [...track.catalogue.fields] } : {}),
    status: 'ok',
    test: testSection(evaluation, globalTest, testTargets, k),
    rules: ruleSummary(rules, readsFamily),
    thresholds: thresholdSummary(tuned.thresholds),
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
    const modelDir = join(context.modelsDir, safeFolderName(name));
    const validationGlobal = rules === null ? rawValidation : applyGenreRules(rawValidation, genres, rules, readsFamily ? context.validation.fields : undefined).scores;
    const validationEvaluation = evaluateScores(validationTargets, validation, genres, thresholds, seed, rawValidation, validationGlobal);
    await saveEnsemble(
      spec.ensemble.map((member, i) => ({ name: safeFolderName(member), dir: rows[i].modelDir!, weight: weights[i] })),
      ensembleManifestFields(context.run, {
        genres,
        thresholds: tuned.thresholds,
        seed,
        seconds: row.trainSeconds ?? 0,
        metrics: { validation: summarise(validationEvaluation), test: summarise(evaluation) },
        catalogue: { columns: context.dataset.mapping, fields: [...track.catalogue.fields], rules, fusion: null },
      }),
      modelDir,
    );
    row.sizeBytes = await folderBytes(modelDir);
    row.modelDir = modelDir;
  }
  return { validation: rawValidation, hiddenFamily, test: rawTest, rules, readsFamily, row };
}

/**
 * The report's test block. `globalScores`: test scores under the genre rules as any one global
 * threshold decides them (the cap keeping the most probable genres), for the threshold curve.
 */
function testSection(evaluation: Evaluation, globalScores: Float32Array, targets: Float32Array, k: number): NonNullable<ComparedModel['test']> {
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
    thresholdCurve: precisionRecallCurve(targets, globalScores, k),
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
