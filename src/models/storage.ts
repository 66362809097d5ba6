/**
 * A saved model is one folder:
 *   manifest.json  what the model is (kind, config, encoder, genres, thresholds), how it was trained
 *                  (data sha256, split, seed, history) and how it scored, plus library versions;
 *                  for an encoder + head kind, `encoder` references the pretrained encoder (where it
 *                  came from and the sha256 of its files) instead of holding a vocabulary;
 *   model.json     the tfjs network topology and weight manifest, and weights.bin, the weights
 *                  (network-files.ts); a kind may keep other files instead (bag: linear.json +
 *                  linear.bin, its collapsed form); the kind's entry in kinds.ts saves them and its
 *                  loader in kind-loaders.ts reads them back;
 *   fields.json    for a model that reads catalogue fields: the field vectorizer and field model
 *                  (the manifest's `catalogue` says how they fuse with the network's scores).
 * model.json, weights.bin and fields.json sit in a version folder (`v-<pid>-<hex>/`) that manifest.json's
 * `files` names with the sha256 of each file; saving writes a new version folder and then replaces
 * manifest.json atomically, so at every instant the folder holds the complete old model or the complete
 * new one (see model-folder.ts for the steps and the recovery rule). Loading validates the manifest,
 * checks every file's sha256, refuses non-finite weights and a config that does not fit the weights'
 * shapes, and says what is wrong, naming the file and field.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { FieldValueProblem, FieldValues, GenreModel } from './genre-model.js';
import { EnsembleConfigSchema, MEMBERS_FOLDER } from './ensemble/ensemble-storage.js';
import { uniqueFieldValueProblems } from './ensemble/ensemble-model.js';
import { EncoderReferenceSchema } from '../encoders/sentence-encoder.js';
import { FORMAT_VERSION, ManifestSchema, decodeManifestField, type Manifest, type ManifestFields } from './manifest.js';
import type { OpenEncoderOptions } from '../encoders/open-encoder.js';
import { PlotlineError } from '../util/errors.js';
import { writeFileDurably } from '../util/atomic-write.js';
import { MANIFEST_FILE, modelDataFolder, readModelJson, resolveModelFolder, verifyModelFiles, writeModelFolder } from './model-folder.js';
import type { SavableModel } from './kinds.js';
import { KIND_FAMILIES, kindFamily } from './kind-families.js';
import { kindLoader } from './kind-loaders.js';
import { FieldVectorizer, FieldVectorizerSchema } from './fields/field-vectorizer.js';
import { FieldModel, FieldModelSchema } from './fields/field-model.js';
import { CatalogueModel } from './fields/catalogue-model.js';

export type { SavableModel } from './kinds.js';

const FIELDS = 'fields.json';

/** Every kind's name, for messages (kind-families.ts: reading a manifest imports no kind's code). */
const KIND_NAMES = Object.keys(KIND_FAMILIES);

const FieldsFileSchema = z.object({ vectorizer: FieldVectorizerSchema, model: FieldModelSchema });

export interface SavedModel {
  classifier: GenreModel;
  manifest: Manifest;
}

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
  manifest: ManifestFields,
  dir: string,
  served: GenreModel = classifier,
): Promise<void> {
  // The full registry (tfjs and every network) is imported by saving only, never by opening a model.
  const { findKind } = await import('./kinds.js');
  const kind = findKind(manifest.kind);
  if (kind === undefined || kind.family === 'ensemble') throw new PlotlineError(`cannot save a model of kind "${manifest.kind}" with saveModel (known: ${KIND_NAMES.join(', ')}; an ensemble is saved with saveEnsemble)`);
  const full: Omit<Manifest, 'files'> = {
    format: 'plotline-model',
    formatVersion: FORMAT_VERSION,
    ...manifest,
    encoder: classifier.manifestEncoder(),
    genres: [...classifier.genres] as [string, ...string[]],
    thresholds: served.thresholds,
  };
  await writeModelFolder(
    dir,
    async (dataDir) => {
      // The kind writes its data files; the version folder is fsynced whole before the manifest names it.
      await kind.save(classifier, kind.config.parse(manifest.config), dataDir);
      const fields = served.fieldPart();
      if (fields !== null) await writeFileDurably(join(dataDir, FIELDS), JSON.stringify(fields));
    },
    (files) => ({ ...full, files }),
  );
}

/**
 * The validated manifest of the model at `path` (a model folder or its manifest.json). Throws a
 * PlotlineError naming the file (and field) when the folder is missing or the manifest is unreadable,
 * invalid, or of a newer format.
 */
export async function readManifest(path: string): Promise<Manifest> {
  const file = join(await resolveModelFolder(path), MANIFEST_FILE);
  const raw = await readModelJson(file);
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
  const kind = kindFamily(manifest.kind);
  if (kind === undefined) {
    throw new PlotlineError(`unknown model kind "${manifest.kind}" (this Plotline knows ${KIND_NAMES.join(', ')})`, { file, field: 'kind' });
  }
  if ((kind.family === 'ensemble') !== (manifest.encoder.type === 'ensemble')) {
    throw new PlotlineError(`kind "${manifest.kind}" and encoder type "${manifest.encoder.type}" do not go together (an ensemble, and only one, has encoder type "ensemble")`, { file, field: 'encoder.type' });
  }
  if (kind.family === 'ensemble') return checkThresholdCount(manifest, file);
  const isHead = kind.family === 'encoder-head';
  const pretrained = EncoderReferenceSchema.safeParse(manifest.encoder).success;
  if (isHead !== pretrained) {
    throw new PlotlineError(`kind "${manifest.kind}" needs ${isHead ? 'a pretrained encoder reference (type use or onnx)' : 'a words or ngrams encoder'}`, { file, field: 'encoder.type' });
  }
  if (kind.family === 'encoder-head' && manifest.encoder.type !== kind.encoderType) {
    throw new PlotlineError(`kind "${manifest.kind}" needs a ${kind.encoderType} encoder, not ${manifest.encoder.type}`, { file, field: 'encoder.type' });
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
  // The kind's code is imported here, for its kind only (kind-loaders.ts): a saved bag imports no tfjs.
  const base = await kindLoader(manifest.kind)!({
    dir,
    dataDir,
    manifest,
    manifestFile: join(dir, MANIFEST_FILE),
    encoder: options.encoder ?? {},
    embeddingCache: options.embeddingCache ?? null,
    onWarning: options.onWarning,
    loadMember: async (memberDir) => (await loadModel(memberDir, options)).classifier,
  });
  const catalogue = manifest.catalogue;
  if (catalogue === undefined) return { classifier: base, manifest };
  let model: GenreModel = base;
  try {
    if (catalogue.fusion !== null) {
      const file = join(dataDir, FIELDS);
      const parsed = await readFieldsFile(file);
      const vectorizer = FieldVectorizer.fromJSON(parsed.data.vectorizer);
      const fieldModel = decodeManifestField(() => FieldModel.fromJSON(parsed.data.model), file, 'model');
      model = decodeManifestField(() => new CatalogueModel(base, vectorizer, fieldModel, catalogue.fusion!, manifest.thresholds), file, 'model');
    }
  } catch (error) {
    await base.dispose();
    throw error;
  }
  model.rules = catalogue.rules;
  return { classifier: model, manifest };
}

async function readFieldsFile(file: string) {
  const parsed = FieldsFileSchema.safeParse(await readModelJson(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlotlineError(`${issue.message} (expected the field vectorizer and field model)`, { file, field: issue.path.join('.') || undefined });
  }
  return parsed;
}


/** How a saved model checks a title's field values (`GenreModel.fieldValueProblems`), without loading it. */
export type FieldValueCheck = (fields: FieldValues | undefined) => FieldValueProblem[];

/** Whether a saved model reads anything from a title's fields (`GenreModel.readsFieldsOf`), without loading it. */
export type FieldUseCheck = (fields: FieldValues | undefined) => boolean;

/** A saved model's two checks of a title's fields, made from one reading of its field vectorizers. */
export interface FieldChecks {
  /** As `GenreModel.fieldValueProblems`: for an ensemble, each field and problem once. */
  values: FieldValueCheck;
  /** As `GenreModel.readsFieldsOf`: for an ensemble, whether any member reads something. */
  uses: FieldUseCheck;
}

/**
 * The field checks of a saved model, without loading it: its field vectorizer's, or for an ensemble its
 * members' (as `EnsembleModel` combines them); null for a model that reads no fields. For rows read on a
 * thread that does not score them (`predict --input --workers N`, `predict --queue`'s coordinator, the
 * server's HTTP thread). The files are verified by whoever loads the model.
 *
 * @throws PlotlineError naming the file for a missing or malformed manifest, ensemble config or fields.json.
 */
export async function readFieldChecks(path: string): Promise<FieldChecks | null> {
  const vectorizers = await savedFieldVectorizers(path);
  if (vectorizers.length === 0) return null;
  return {
    values: vectorizers.length === 1 ? (fields) => vectorizers[0].valueProblems(fields) : (fields) => uniqueFieldValueProblems(vectorizers.map((v) => v.valueProblems(fields))),
    uses: (fields) => vectorizers.some((v) => v.transform(fields).length > 0),
  };
}

/**
 * The field vectorizers of a saved model, without loading it: its own (none for a model that reads no
 * fields), or for an ensemble its members', in member order.
 *
 * @throws PlotlineError as readFieldChecks.
 */
async function savedFieldVectorizers(path: string): Promise<FieldVectorizer[]> {
  const dir = await resolveModelFolder(path);
  const manifest = await readManifest(dir);
  const dataDir = modelDataFolder(dir, manifest.files);
  if (kindFamily(manifest.kind)?.family !== 'ensemble') {
    if (manifest.catalogue === undefined || manifest.catalogue.fusion === null) return [];
    return [FieldVectorizer.fromJSON((await readFieldsFile(join(dataDir, FIELDS))).data.vectorizer)];
  }
  const config = decodeManifestField(() => EnsembleConfigSchema.parse(manifest.config), join(dir, MANIFEST_FILE), 'config');
  const vectorizers: FieldVectorizer[] = [];
  for (const member of config.members) vectorizers.push(...(await savedFieldVectorizers(join(dataDir, MEMBERS_FOLDER, member.name))));
  return vectorizers;
}

