/**
 * A saved model is one folder:
 *   manifest.json  what the model is (kind, config, encoder, genres, thresholds), how it was trained
 *                  (data sha256, split, seed, history) and how it scored, plus library versions;
 *                  for an encoder + head kind, `encoder` references the pretrained encoder (where it
 *                  came from and the sha256 of its files) instead of holding a vocabulary;
 *   model.json     the tfjs network topology and weight manifest;
 *   weights.bin    the weights;
 *   fields.json    for a model that reads catalogue fields: the field vectorizer and field model
 *                  (the manifest's `catalogue` says how they fuse with the network's scores).
 * model.json, weights.bin and fields.json sit in a version folder (`v-<pid>-<hex>/`) that manifest.json's
 * `files` names with the sha256 of each file; saving writes a new version folder and then replaces
 * manifest.json atomically, so at every instant the folder holds the complete old model or the complete
 * new one (see model-folder.ts for the steps and the recovery rule). Loading validates the manifest,
 * checks every file's sha256, refuses non-finite weights and a config that does not fit the weights'
 * shapes, and says what is wrong, naming the file and field.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { GenreClassifier } from './classifier.js';
import type { GenreModel } from './genre-model.js';
import { EncoderHeadClassifier } from './encoder-head/encoder-head-classifier.js';
import { HEAD_KINDS } from './encoder-head/head-kinds.js';
import { EncoderReferenceSchema, type EncoderReference } from '../encoders/sentence-encoder.js';
import { reopenEncoder, type OpenEncoderOptions } from '../encoders/open-encoder.js';
import { EmbeddingCache } from '../encoders/embedding-cache.js';
import { ENSEMBLE_KIND, loadEnsemble } from './ensemble/ensemble-storage.js';
import { NgramsEncoderSchema, WordsEncoderSchema, encoderFromJSON } from './inputs/encoder-json.js';
import type { EncoderJSON } from './inputs/text-encoder.js';
import { PlotlineError } from '../util/errors.js';
import { writeFileDurably } from '../util/atomic-write.js';
import { ModelFilesSchema, modelDataFolder, verifyModelFiles, writeModelFolder } from './model-folder.js';
import { checkLinearBag, checkWeightsFinite, checkWeightShapes } from './weight-checks.js';
import { LinearBagModel } from './inference/linear-bag-model.js';
import { LINEAR_BIN } from './inference/linear-bag-file.js';
import { readJsonFile } from '../util/json-file.js';
import { MODEL_KINDS } from './kinds.js';
import { resolveModelFolder } from './model-folder.js';
import { ColumnMappingSchema } from '../data/columns.js';
import { GenreRulesSchema } from './genre-rules.js';
import { LogitFusionSchema } from './fields/logit-fusion.js';
import { FieldVectorizer, FieldVectorizerSchema } from './fields/field-vectorizer.js';
import { FieldModel, FieldModelSchema } from './fields/field-model.js';
import { CatalogueModel } from './fields/catalogue-model.js';
// Importing the layers registers their classes for deserialisation.
import './layers/conv-pool.js';
import './layers/seeded-dropout.js';
import './layers/weighted-mean.js';

export const FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
const TOPOLOGY = 'model.json';
const WEIGHTS = 'weights.bin';
const FIELDS = 'fields.json';

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

const FieldsFileSchema = z.object({ vectorizer: FieldVectorizerSchema, model: FieldModelSchema });

const MetricsSummary = z.record(z.string(), z.unknown());

export const ManifestSchema = z.object({
  format: z.literal('plotline-model'),
  formatVersion: z.number().int(),
  kind: z.string(),
  config: z.record(z.string(), z.unknown()),
  // A from-scratch kind's text encoder, or an encoder + head kind's reference to its pretrained encoder.
  // An ensemble has none of its own: { type: 'ensemble' } (its members have theirs).
  encoder: z.discriminatedUnion('type', [WordsEncoderSchema, NgramsEncoderSchema, EncoderReferenceSchema, z.object({ type: z.literal('ensemble') })]),
  genres: z
    .array(z.string().min(1))
    .nonempty()
    .refine((g) => new Set(g).size === g.length, { message: 'genres must be unique' }),
  thresholds: z.object({
    global: z.number().min(0).max(1),
    perGenre: z.array(z.number().min(0).max(1)).nullable(),
    mode: z.enum(['global', 'perGenre']),
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

export interface SavedModel {
  classifier: GenreModel;
  manifest: Manifest;
}

/** A model `saveModel` can write: a from-scratch classifier or an encoder + head. */
export type SavableModel = GenreClassifier | EncoderHeadClassifier;

const ALL_KINDS = (): string[] => [...Object.keys(MODEL_KINDS), ...Object.keys(HEAD_KINDS), ENSEMBLE_KIND];

/**
 * Saves a classifier and its manifest into `dir`: the weights, topology (and fields.json) go to a new
 * version folder, fsynced, then manifest.json (with their sha256) replaces the old one atomically; a
 * crash at any point leaves the complete old model or the complete new one (model-folder.ts). Throws a
 * PlotlineError when `dir` exists and is not a folder.
 *
 * @param served the model users get when it wraps `classifier` (a CatalogueModel: its field part
 *   goes to fields.json); its thresholds are the ones saved.
 */
export async function saveModel(
  classifier: SavableModel,
  manifest: Omit<Manifest, 'encoder' | 'genres' | 'thresholds' | 'format' | 'formatVersion' | 'files'>,
  dir: string,
  served: GenreModel = classifier,
): Promise<void> {
  const full: Omit<Manifest, 'files'> = {
    format: 'plotline-model',
    formatVersion: FORMAT_VERSION,
    ...manifest,
    encoder: classifier instanceof EncoderHeadClassifier ? classifier.encoder.reference() : classifier.encoder.toJSON(),
    genres: [...classifier.genres] as [string, ...string[]],
    thresholds: served.thresholds,
  };
  const kind = classifier instanceof GenreClassifier ? MODEL_KINDS[manifest.kind] : undefined;
  await writeModelFolder(
    dir,
    async (dataDir) => {
      // A kind that saves its own weights (bag: the collapsed linear form) writes them itself; the
      // version folder is fsynced whole before the manifest names it.
      if (kind?.saveWeights !== undefined) await kind.saveWeights(kind.config.parse(manifest.config), classifier.network, dataDir);
      else await classifier.network.save(
        tf.io.withSaveHandler(async (artifacts) => {
          const weights = artifacts.weightData === undefined ? new Uint8Array() : new Uint8Array(tf.io.concatenateArrayBuffers([artifacts.weightData].flat()));
          const topology = {
            format: 'layers-model',
            generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: [WEIGHTS], weights: artifacts.weightSpecs ?? [] }],
          };
          await writeFileDurably(join(dataDir, WEIGHTS), weights);
          await writeFileDurably(join(dataDir, TOPOLOGY), JSON.stringify(topology));
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      if (served instanceof CatalogueModel) {
        await writeFileDurably(join(dataDir, FIELDS), JSON.stringify({ vectorizer: served.vectorizer.toJSON(), model: served.fieldModel.toJSON() }));
      }
    },
    (files) => ({ ...full, files }),
  );
}

/** A model folder's JSON file (manifest.json, model.json). */
function readJson(file: string): Promise<unknown> {
  return readJsonFile(file, {
    readError: (code) => (code === 'ENOENT' ? 'missing: is this a Plotline model folder (made by `plotline train --out`)?' : `cannot read (${code})`),
    invalid: (detail) => `is not valid JSON (${detail}); the model folder is corrupt`,
  });
}

/**
 * The validated manifest of the model at `path` (a model folder or its manifest.json). Throws a
 * PlotlineError naming the file (and field) when the folder is missing or the manifest is unreadable,
 * invalid, or of a newer format.
 */
export async function readManifest(path: string): Promise<Manifest> {
  const file = join(await resolveModelFolder(path), MANIFEST);
  const raw = await readJson(file);
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new PlotlineError(`model format version ${version} is newer than this Plotline reads (${FORMAT_VERSION}); upgrade Plotline`, { file });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlotlineError(`${issue.message} (expected a Plotline model manifest)`, { file, field: issue.path.join('.') || undefined });
  }
  const manifest = parsed.data;
  if (!ALL_KINDS().includes(manifest.kind)) {
    throw new PlotlineError(`unknown model kind "${manifest.kind}" (this Plotline knows ${ALL_KINDS().join(', ')})`, { file, field: 'kind' });
  }
  if ((manifest.kind === ENSEMBLE_KIND) !== (manifest.encoder.type === ENSEMBLE_KIND)) {
    throw new PlotlineError(`kind "${manifest.kind}" and encoder type "${manifest.encoder.type}" do not go together (an ensemble, and only one, has encoder type "ensemble")`, { file, field: 'encoder.type' });
  }
  if (manifest.kind === ENSEMBLE_KIND) return checkThresholdCount(manifest, file);
  const isHead = HEAD_KINDS[manifest.kind] !== undefined;
  const pretrained = EncoderReferenceSchema.safeParse(manifest.encoder).success;
  if (isHead !== pretrained) {
    throw new PlotlineError(`kind "${manifest.kind}" needs ${isHead ? 'a pretrained encoder reference (type use or onnx)' : 'a words or ngrams encoder'}`, { file, field: 'encoder.type' });
  }
  const headType = HEAD_KINDS[manifest.kind]?.encoderType;
  if (headType !== undefined && manifest.encoder.type !== headType) {
    throw new PlotlineError(`kind "${manifest.kind}" needs a ${headType} encoder, not ${manifest.encoder.type}`, { file, field: 'encoder.type' });
  }
  return checkThresholdCount(manifest, file);
}

function checkThresholdCount(manifest: Manifest, file: string): Manifest {
  if (manifest.thresholds.perGenre !== null && manifest.thresholds.perGenre.length !== manifest.genres.length) {
    throw new PlotlineError(`has ${manifest.thresholds.perGenre.length} per-genre thresholds for ${manifest.genres.length} genres`, { file, field: 'thresholds.perGenre' });
  }
  return manifest;
}

/** Where a use/onnx model's encoder is when not where it was trained from (`--encoder`, `--allow-download`). */
export interface EncoderLocation {
  override?: string;
  allowDownload?: boolean;
}

export interface LoadModelOptions {
  /** How to open an encoder + head model's pretrained encoder; `override` loads it from another folder. */
  encoder?: OpenEncoderOptions & EncoderLocation;
  /**
   * For an encoder + head model: the embedding cache folder (as `train --cache-dir`), so texts embedded
   * before, by training or an earlier prediction, are read instead of embedded again, and new ones are
   * added; null or absent: no cache. Other kinds ignore it.
   */
  embeddingCache?: string | null;
  /** A cache that cannot be used (unreadable, corrupt, another encoder): the model loads without it. */
  onWarning?: (message: string) => void;
}

/**
 * Loads a model as users get it, from its folder or that folder's manifest.json: the network (or
 * ensemble), wrapped with its field model when it reads catalogue fields, with its genre-set rules and
 * thresholds.
 *
 * @throws PlotlineError naming the file and field of whatever is missing, corrupt or inconsistent
 *   (the folder itself when it does not exist).
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<SavedModel> {
  const dir = await resolveModelFolder(path);
  const manifest = await readManifest(dir);
  const dataDir = modelDataFolder(dir, manifest.files);
  await verifyModelFiles(dir, manifest.files);
  const { classifier: base } = await loadNetwork(dir, dataDir, manifest, options);
  const catalogue = manifest.catalogue;
  if (catalogue === undefined) return { classifier: base, manifest };
  let model: GenreModel = base;
  try {
    if (catalogue.fusion !== null) {
      const file = join(dataDir, FIELDS);
      const parsed = FieldsFileSchema.safeParse(await readJson(file));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new PlotlineError(`${issue.message} (expected the field vectorizer and field model)`, { file, field: issue.path.join('.') || undefined });
      }
      const vectorizer = FieldVectorizer.fromJSON(parsed.data.vectorizer);
      const fieldModel = fieldOrThrow(() => FieldModel.fromJSON(parsed.data.model), file, 'model');
      model = fieldOrThrow(() => new CatalogueModel(base, vectorizer, fieldModel, catalogue.fusion!, manifest.thresholds), file, 'model');
    }
  } catch (error) {
    await base.dispose();
    throw error;
  }
  model.rules = catalogue.rules;
  return { classifier: model, manifest };
}

/** The network (or ensemble) of a verified model folder whose data files are in `dataDir`. */
async function loadNetwork(dir: string, dataDir: string, manifest: Manifest, options: LoadModelOptions): Promise<SavedModel> {
  if (manifest.kind === ENSEMBLE_KIND) {
    const classifier = await loadEnsemble(dir, manifest, async (memberDir) => (await loadModel(memberDir, options)).classifier, dataDir);
    return { classifier, manifest };
  }
  const weightsLoader = MODEL_KINDS[manifest.kind];
  if (weightsLoader?.loadWeights !== undefined) {
    // A kind that saves its own weights (bag: the collapsed linear form) loads them itself.
    const manifestFile = join(dir, MANIFEST);
    const config = fieldOrThrow(() => weightsLoader.config.parse(manifest.config), manifestFile, 'config');
    const encoder = fieldOrThrow(() => encoderFromJSON(manifest.encoder as EncoderJSON), manifestFile, 'encoder');
    const classifier = await weightsLoader.loadWeights(config, dataDir, encoder, manifest.genres, manifest.thresholds);
    if (classifier !== null) {
      if (classifier instanceof LinearBagModel) checkLinearBag(classifier.linear, encoder, config as { buckets?: number }, join(dataDir, LINEAR_BIN), manifestFile);
      return { classifier, manifest };
    }
  }
  const topologyFile = join(dataDir, TOPOLOGY);
  const topology = (await readJson(topologyFile)) as { modelTopology?: object; weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[] };
  if (topology.modelTopology === undefined || !Array.isArray(topology.weightsManifest)) {
    throw new PlotlineError('lacks modelTopology or weightsManifest (expected a tfjs layers model)', { file: topologyFile });
  }
  const weightsFile = join(dataDir, WEIGHTS);
  const weightSpecs = topology.weightsManifest.flatMap((group) => group.weights);
  let weightBytes: Buffer;
  try {
    weightBytes = await readFile(weightsFile);
  } catch {
    throw new PlotlineError('missing: the model folder is incomplete', { file: weightsFile });
  }
  const expectedBytes = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weightBytes.byteLength !== expectedBytes) {
    throw new PlotlineError(`holds ${weightBytes.byteLength} bytes, model.json describes ${expectedBytes}: the model folder is corrupt`, { file: weightsFile });
  }
  const weightData = weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength) as ArrayBuffer;
  checkWeightsFinite(weightSpecs, weightData, weightsFile);
  let network: tf.LayersModel;
  try {
    network = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology.modelTopology, weightSpecs, weightData }));
  } catch (error) {
    throw new PlotlineError(`cannot be loaded as a network: ${(error as Error).message}`, { file: topologyFile });
  }
  try {
    const outputs = network.outputs[0].shape[1];
    if (outputs !== manifest.genres.length) {
      throw new PlotlineError(`network has ${outputs} outputs but the manifest lists ${manifest.genres.length} genres`, { file: topologyFile });
    }
    const manifestFile = join(dir, MANIFEST);
    const head = HEAD_KINDS[manifest.kind];
    if (head !== undefined) {
      fieldOrThrow(() => head.config.parse(manifest.config), manifestFile, 'config');
      const encoder = await reopenEncoder(manifest.encoder as EncoderReference, manifestFile, options.encoder);
      const inputs = network.inputs[0].shape[1];
      if (inputs !== encoder.dimension) {
        await encoder.dispose();
        throw new PlotlineError(`head reads ${inputs} values but the encoder gives ${encoder.dimension}`, { file: topologyFile });
      }
      let cache: EmbeddingCache | null = null;
      if (options.embeddingCache !== null && options.embeddingCache !== undefined) {
        try {
          cache = await EmbeddingCache.open(options.embeddingCache, encoder.id, encoder.dimension);
        } catch (error) {
          await encoder.dispose();
          throw error;
        }
        if (cache.warning !== null) options.onWarning?.(cache.warning);
      }
      return { classifier: new EncoderHeadClassifier(encoder, network, manifest.genres, manifest.thresholds, cache), manifest };
    }
    const encoder = fieldOrThrow(() => encoderFromJSON(manifest.encoder as EncoderJSON), manifestFile, 'encoder');
    const kind = MODEL_KINDS[manifest.kind];
    const config = fieldOrThrow(() => kind.config.parse(manifest.config), manifestFile, 'config');
    checkWeightShapes(kind, config, encoder, manifest.genres.length, network, manifestFile);
    const classifier = new GenreClassifier(network, encoder, manifest.genres, manifest.thresholds);
    if (kind.fastScorer !== undefined) classifier.useFastScorer(kind.fastScorer(config, network));
    return { classifier, manifest };
  } catch (error) {
    network.dispose();
    throw error;
  }
}

/** Runs a manifest field's decoder; its failure becomes an error naming the manifest and the field. */
function fieldOrThrow<T>(decode: () => T, file: string, field: string): T {
  try {
    return decode();
  } catch (error) {
    const issues = (error as { issues?: { path: (string | number)[]; message: string }[] }).issues;
    const detail = issues === undefined ? (error as Error).message : issues.map((i) => `${[field, ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new PlotlineError(`is not a valid model ${field} (${detail})`, { file, field });
  }
}
