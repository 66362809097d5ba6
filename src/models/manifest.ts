/**
 * The model manifest (manifest.json), in one place: its schema, what every field means, and the
 * builders that fill it from a training run. A saved model folder is described in storage.ts; this is
 * what its manifest.json holds:
 *   what the model is (kind, config, encoder, genres, thresholds), how it was trained (data sha256,
 *   split, seed, settings, history), how it scored (validation and test metrics), the library
 *   versions, how it reads catalogues (`catalogue`), and the sha256 of every data file (`files`).
 * storage.ts validates a manifest against this schema when it loads a model, and writes the encoder,
 * genres, thresholds and files parts itself when it saves one.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { EncoderReferenceSchema } from '../encoders/sentence-encoder.js';
import { ColumnMappingSchema } from '../data/column-mapping-schema.js';
import { NgramsVectorizerSchema, WordsVectorizerSchema } from './vectorizers/vectorizer-json.js';
import { ModelFilesSchema } from './model-folder.js';
import { GenreRulesSchema } from './genre-rules-schema.js';
import { THRESHOLD_OBJECTIVES } from './thresholds.js';
import { LogitFusionSchema } from './fields/logit-fusion.js';
import type { TrainingSettings } from './training-settings.js';
import { PLOTLINE_VERSION } from '../version.js';
import { PlotlineError } from '../util/errors.js';

/** The manifest format this Plotline writes; a newer one is refused on loading. */
export const FORMAT_VERSION = 1;

/**
 * How a model reads catalogues and which genre sets it allows. Absent in models saved before
 * catalogue fields existed: those read `description` / `listed_in` and have no rules.
 */
export const CatalogueSectionSchema = z.object({
  /** The columns the training file was read with; evaluate, predict and serve read later files the same way. */
  columns: ColumnMappingSchema,
  /** Catalogue fields the model reads (lower-case); empty: description only. */
  fields: z.array(z.string()),
  rules: GenreRulesSchema.nullable(),
  /** How the field model's logits join the network's (null: no field model; fields.json absent). */
  fusion: LogitFusionSchema.nullable(),
});
export type CatalogueSection = z.infer<typeof CatalogueSectionSchema>;

const MetricsSummary = z.record(z.string(), z.unknown());

export const ManifestSchema = z.object({
  format: z.literal('plotline-model'),
  formatVersion: z.number().int(),
  kind: z.string(),
  config: z.record(z.string(), z.unknown()),
  // A from-scratch kind's text encoder, or an encoder + head kind's reference to its pretrained encoder.
  // An ensemble has none of its own: { type: 'ensemble' } (its members have theirs).
  encoder: z.discriminatedUnion('type', [WordsVectorizerSchema, NgramsVectorizerSchema, EncoderReferenceSchema, z.object({ type: z.literal('ensemble') })]),
  genres: z
    .array(z.string().min(1))
    .nonempty()
    .refine((g) => new Set(g).size === g.length, { message: 'genres must be unique' }),
  thresholds: z
    .object({
      global: z.number().min(0).max(1),
      perGenre: z.array(z.number().min(0).max(1)).nullable(),
      mode: z.enum(['global', 'perGenre']),
      // A record of how perGenre was made (perGenre is what decides): s in (0, 1], 0 being no shift.
      priorShift: z.number().gt(0).max(1).optional(),
      objective: z.enum(THRESHOLD_OBJECTIVES).optional(),
    })
    .refine((t) => t.priorShift === undefined || (t.mode === 'perGenre' && t.perGenre !== null), {
      message: 'priorShift describes per-genre thresholds: it needs mode "perGenre" and a perGenre list',
      path: ['priorShift'],
    }),
  training: z.object({
    createdAt: z.string(),
    dataFile: z.string(),
    dataSha256: z.string(),
    splitFile: z.string().nullable(),
    seed: z.number().int(),
    trainSize: z.number().int(),
    validationSize: z.number().int(),
    testSize: z.number().int(),
    seconds: z.number(),
    // How the network trained: absent for an ensemble, which trains nothing itself (its members' manifests say).
    epochs: z.number().int().optional(),
    bestEpoch: z.number().int().optional(),
    batchSize: z.number().int().optional(),
    learningRate: z.number().optional(),
    // Absent in models saved before early stopping could watch macro-F1: those watched micro-F1.
    monitor: z.enum(['micro', 'macro']).optional(),
    loss: z.string().optional(),
    positiveWeights: z.boolean().optional(),
    history: z.array(z.record(z.string(), z.number())).optional(),
  }),
  metrics: z.object({ validation: MetricsSummary.nullable(), test: MetricsSummary.nullable() }),
  versions: z.object({ plotline: z.string(), tfjs: z.string(), node: z.string() }),
  catalogue: CatalogueSectionSchema.optional(),
  // The sha256 of every other file of the model, by path relative to the folder (see model-folder.ts).
  // Absent in models saved before checksums were recorded: those load unverified.
  files: ModelFilesSchema.optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;


/** A manifest minus what `saveModel` fills in from the model itself (encoder, genres, thresholds, format, files). */
export type ManifestFields = Omit<Manifest, 'encoder' | 'genres' | 'thresholds' | 'format' | 'formatVersion' | 'files'>;

/** Where a run's data came from and how it was split (sizes in titles). */
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

/**
 * The versions a manifest or report records. tfjs's is read from its package.json (the same string as
 * `tf.version.tfjs`), so that this module, which every model load reads, does not import tfjs.
 */
export function runtimeVersions(): { plotline: string; tfjs: string; node: string } {
  const tfjs = (createRequire(import.meta.url)('@tensorflow/tfjs/package.json') as { version: string }).version;
  return { plotline: PLOTLINE_VERSION, tfjs, node: process.versions.node };
}

/** What a training run tells the manifest (training/train-model.ts's TrainedModel is one). */
export interface TrainingRecord {
  kind: string;
  config: Record<string, unknown>;
  training: TrainingSettings & { seed: number };
  /** One record of numbers per epoch (training/trainer.ts's EpochLog: epoch, loss, validation F1s). */
  history: readonly object[];
  bestEpoch: number;
  /** Wall-clock seconds of training (embedding included for an encoder + head kind). */
  trainSeconds: number;
}

/**
 * The manifest of a trained model, from its training run, the run's data and its metric summaries
 * (evaluation/evaluate-scores.ts's `summarise`; null: that split was not scored).
 */
export function trainedManifestFields(
  trained: TrainingRecord,
  run: RunContext,
  metrics: { validation: Record<string, unknown> | null; test: Record<string, unknown> | null },
): ManifestFields {
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
      history: trained.history.map((h) => ({ ...h }) as Record<string, number>),
    },
    metrics,
    versions: runtimeVersions(),
  };
}

/**
 * The manifest of an ensemble of saved models (`plotline compare --save-models`), minus what
 * saveEnsemble adds (kind, config with the members and weights, encoder, files): the genres, the
 * thresholds tuned for the mean, the run it was chosen on (`seconds`: its members' training time),
 * its metric summaries and how it reads catalogues.
 */
export function ensembleManifestFields(
  run: RunContext,
  ensemble: {
    genres: readonly string[];
    thresholds: Manifest['thresholds'];
    seed: number;
    seconds: number;
    metrics: { validation: Record<string, unknown> | null; test: Record<string, unknown> | null };
    catalogue: CatalogueSection;
  },
): Omit<Manifest, 'kind' | 'config' | 'encoder' | 'files'> {
  return {
    format: 'plotline-model',
    formatVersion: FORMAT_VERSION,
    genres: [...ensemble.genres] as [string, ...string[]],
    thresholds: ensemble.thresholds,
    training: { createdAt: new Date().toISOString(), ...dataFields(run), seed: ensemble.seed, seconds: ensemble.seconds },
    metrics: ensemble.metrics,
    versions: runtimeVersions(),
    catalogue: ensemble.catalogue,
  };
}

/**
 * Runs the decoder of a manifest field (a config schema, an encoder, the field model); its failure
 * becomes a PlotlineError naming `file` and `field` (and the path inside the field that is wrong).
 */
export function decodeManifestField<T>(decode: () => T, file: string, field: string): T {
  try {
    return decode();
  } catch (error) {
    const issues = (error as { issues?: { path: (string | number)[]; message: string }[] }).issues;
    const detail = issues === undefined ? (error as Error).message : issues.map((i) => `${[field, ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new PlotlineError(`is not a valid model ${field} (${detail})`, { file, field });
  }
}
