/**
 * Whether `plotline evaluate` is about to score rows the model was trained on (its training fold:
 * train + validation), which gives optimistic numbers that look like a test score. The manifest
 * says where the model's training rows came from: its data file's sha256, and its split file (or the
 * seed of the split made for it). The rows are told apart by show_id:
 * - the model was trained with a split file, readable from here: the ids of its "train" fold, whatever
 *   the data file evaluated now (a later release shares show_ids);
 * - it was trained on a seeded split and the data is the same file (same sha256): the same split is
 *   made again from the seed (the test fold does not depend on --validation-fraction);
 * - the same file but a split file that cannot be read from here: the rows cannot be told apart, and
 *   the warning says so.
 */
import type { Manifest } from '../models/manifest.js';
import type { Title } from '../data/titles.js';
import { readSplitFile } from '../data/split.js';
import { loadDataset } from '../data/dataset.js';
import { sha256File } from '../util/file-hash.js';
import { PlotlineError } from '../util/errors.js';

export interface TrainingOverlap {
  /** Scored titles that were among the model's training rows (null: the same file, rows not told apart). */
  rows: number | null;
  /** One-line warning for the user. */
  message: string;
}

/**
 * How many of `scored` (titles of `dataFile` about to be evaluated) the model trained on, with a
 * warning; `rows` null with a warning when it cannot be known (the same file without its split file,
 * or another file and no readable split file: an edited copy of the training file is one; or a file
 * without an id column, `rowNumberIds`, whose row numbers match no split file's ids); null when none did.
 */
export async function trainingOverlap(manifest: Pick<Manifest, 'training' | 'catalogue'>, dataFile: string, scored: readonly Title[], rowNumberIds = false): Promise<TrainingOverlap | null> {
  const { training } = manifest;
  const trainingIds = await modelTrainingIds(manifest, dataFile, rowNumberIds);
  const hint = training.splitFile !== null ? `pass --split ${training.splitFile} (or --held-out) to score its test fold only` : 'pass --held-out to score only the titles it was not trained on';
  if (trainingIds === 'same file') {
    return {
      rows: null,
      message: `${dataFile} is the file this model was trained on (same sha256) and its split file ${training.splitFile} cannot be read from here, so its training rows cannot be told apart: up to ${training.trainSize + training.validationSize} of the ${scored.length} titles scored are training titles and the scores are optimistic`,
    };
  }
  if (trainingIds === null) {
    // Another file (or an edited copy: one byte changes the sha256) and no split file to match ids with.
    const why = noIdsWhy(dataFile, training.splitFile, rowNumberIds) ?? (training.splitFile !== null ? `its split file ${training.splitFile} cannot be read from here` : `it was trained on a seeded split of ${training.dataFile}, and ${dataFile} has another sha256`);
    return {
      rows: null,
      message: `cannot tell which of the ${scored.length} titles scored this model was trained on (${why}): if ${dataFile} is that file edited or re-exported, up to ${training.trainSize + training.validationSize} of them are training titles and the scores are optimistic; to be sure, evaluate on titles it was not trained on`,
    };
  }
  const rows = scored.filter((t) => trainingIds.has(t.id)).length;
  if (rows === 0) return null;
  const source = training.splitFile !== null ? `the training fold of ${training.splitFile}` : `the seeded split (seed ${training.seed}) this model was trained on`;
  return {
    rows,
    message: `${rows} of the ${scored.length} titles scored are training titles of this model (${source}): their scores are optimistic, not a test score; ${hint}`,
  };
}

/**
 * The show_ids of the model's training fold (train + validation), 'same file' if only the sha256 says
 * the data is its training file (its split file cannot be read from here), or null: neither a readable
 * split file nor the same file (the rows cannot be told apart).
 */
export async function modelTrainingIds(manifest: Pick<Manifest, 'training' | 'catalogue'>, dataFile: string, rowNumberIds = false): Promise<Set<string> | 'same file' | null> {
  const { training } = manifest;
  // Row numbers (a file without an id column) match nothing in a split file: only the same file, split again, tells.
  if (training.splitFile !== null && !rowNumberIds) {
    const assignment = await readSplitFile(training.splitFile).catch(() => null);
    if (assignment !== null) return new Set([...assignment].filter(([, fold]) => fold === 'train').map(([id]) => id));
  }
  const sameFile = (await sha256File(dataFile).catch(() => null)) === training.dataSha256;
  if (!sameFile) return null;
  if (training.splitFile !== null) return 'same file';
  // Read as training read it (its saved columns); lookalike labels were merged there, or training failed.
  const saved = manifest.catalogue?.columns;
  const columns = saved === undefined ? undefined : { textColumn: saved.text, labelColumn: saved.labels ?? undefined, idColumn: saved.id ?? undefined, labelSeparator: saved.labelSeparator ?? undefined };
  // A check that only warns never fails the run: if the split cannot be remade, nothing is said.
  const dataset = await loadDataset(dataFile, { seed: training.seed, columns, mergeLabels: true }).catch(() => null);
  if (dataset === null) return null;
  const test = new Set(dataset.splits.test);
  return new Set(dataset.titles.filter((_, i) => !test.has(i)).map((t) => t.id));
}

/**
 * `--held-out`: the titles of `titles` that are not among the model's training rows (train + validation
 * of its split: the split file it was trained with, or its seeded split made again from the same data
 * file). Throws PlotlineError when those rows cannot be known, naming why.
 */
export async function heldOutTitles<T extends { id: string }>(manifest: Pick<Manifest, 'training' | 'catalogue'>, dataFile: string, titles: readonly T[], rowNumberIds = false): Promise<T[]> {
  const ids = await modelTrainingIds(manifest, dataFile, rowNumberIds);
  if (ids === 'same file') {
    throw new PlotlineError(`--held-out: ${dataFile} is the model's training file, but its split file ${manifest.training.splitFile} cannot be read from here; pass --split with that file`);
  }
  if (ids === null) {
    const how =
      noIdsWhy(dataFile, manifest.training.splitFile, rowNumberIds) ??
      (manifest.training.splitFile !== null ? `its split file ${manifest.training.splitFile} cannot be read from here` : 'it was trained on a seeded split of another file (its sha256 differs)');
    throw new PlotlineError(`--held-out: cannot tell which titles of ${dataFile} the model was trained on: ${how}`);
  }
  const held = titles.filter((t) => !ids.has(t.id));
  if (held.length === 0) throw new PlotlineError(`--held-out: every one of the ${titles.length} titles of ${dataFile} is a training title of this model`);
  return held;
}

/** Why a file without an id column cannot be matched with the model's split file, or null when that is not the reason. */
function noIdsWhy(dataFile: string, splitFile: string | null, rowNumberIds: boolean): string | null {
  if (!rowNumberIds || splitFile === null) return null;
  return `${dataFile} has no id column (its ids are row numbers), so its titles cannot be matched with the ids of the split file ${splitFile}`;
}
