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

export interface TrainingOverlap {
  /** Scored titles that were among the model's training rows (null: the same file, rows not told apart). */
  rows: number | null;
  /** One-line warning for the user. */
  message: string;
}

/**
 * How many of `scored` (titles of `dataFile` about to be evaluated) the model trained on, with a
 * warning; null when none did or it cannot be known (another file, no readable split).
 */
export async function trainingOverlap(manifest: Pick<Manifest, 'training' | 'catalogue'>, dataFile: string, scored: readonly Title[]): Promise<TrainingOverlap | null> {
  const { training } = manifest;
  const trainingIds = await modelTrainingIds(manifest, dataFile);
  const hint = training.splitFile !== null ? `pass --split ${training.splitFile} to score its test fold only` : 'evaluate on titles it was not trained on';
  if (trainingIds === 'same file') {
    return {
      rows: null,
      message: `${dataFile} is the file this model was trained on (same sha256) and its split file ${training.splitFile} cannot be read from here, so its training rows cannot be told apart: up to ${training.trainSize + training.validationSize} of the ${scored.length} titles scored are training titles and the scores are optimistic`,
    };
  }
  if (trainingIds === null) return null;
  const rows = scored.filter((t) => trainingIds.has(t.id)).length;
  if (rows === 0) return null;
  const source = training.splitFile !== null ? `the training fold of ${training.splitFile}` : `the seeded split (seed ${training.seed}) this model was trained on`;
  return {
    rows,
    message: `${rows} of the ${scored.length} titles scored are training titles of this model (${source}): their scores are optimistic, not a test score; ${hint}`,
  };
}

/** The show_ids of the model's training fold, 'same file' if only the sha256 says so, or null. */
async function modelTrainingIds(manifest: Pick<Manifest, 'training' | 'catalogue'>, dataFile: string): Promise<Set<string> | 'same file' | null> {
  const { training } = manifest;
  if (training.splitFile !== null) {
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
