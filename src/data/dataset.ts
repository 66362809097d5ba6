/**
 * A labelled dataset ready for training: the titles, the genre list (from the training fold only, so
 * the model never learns a genre it could only have seen in test), targets, and the three folds.
 */
import { sha256File } from '../util/file-hash.js';
import { selectRows } from '../util/row-matrix.js';
import { readTitles, type FieldValues, type ReadTitlesOptions, type Title } from './titles.js';
import type { ColumnMapping } from './columns.js';
import { GenreVocabulary } from './genres.js';
import { makeSplitIndices, readSplitFile, requireIdsForSplit, type Splits } from './split.js';

export interface Dataset {
  file: string;
  sha256: string;
  titles: Title[];
  genres: GenreVocabulary;
  /** Multi-hot over `genres`, titles x genres row-major. */
  targets: Float32Array;
  /** Indices into `titles` of the train, validation and test splits (validation is carved out of train). */
  splits: Splits<number>;
  /** The split file used, or null when a seeded split was made. */
  splitFile: string | null;
  /** Test-fold genres the training fold never saw, with their counts. */
  unknownGenres: Map<string, number>;
  /** How the file was read (text, labels, id columns; label separator). */
  mapping: ColumnMapping;
  /** Columns found by detection rather than named by a flag, one line each, to tell the user. */
  picked: string[];
  /** The file's other columns (lower-case), candidates for model input. */
  fieldNames: string[];
  /** Non-fatal remarks from reading (merged lookalike labels). */
  warnings: string[];
}

export interface LoadDatasetOptions extends Pick<ReadTitlesOptions, 'columns' | 'format' | 'mergeLabels'> {
  splitFile?: string;
  seed: number;
  validationFraction?: number;
}

export async function loadDataset(file: string, options: LoadDatasetOptions): Promise<Dataset> {
  const { titles, mapping, picked, fieldNames, warnings } = await readTitles(file, {
    requireGenres: true,
    onError: 'fail',
    columns: options.columns,
    format: options.format,
    mergeLabels: options.mergeLabels,
  });
  if (options.splitFile !== undefined) requireIdsForSplit(file, mapping.id, options.splitFile);
  const assignment = options.splitFile === undefined ? undefined : await readSplitFile(options.splitFile);
  // Splits are made over all genres first (stratification needs every title's labels), then the genre
  // list is narrowed to what the training fold holds.
  const allGenres = GenreVocabulary.fromTitles(titles);
  const allTargets = allGenres.encodeAll(titles).targets;
  const splits = makeSplitIndices(titles, allTargets, allGenres.size, {
    assignment,
    splitFile: options.splitFile,
    seed: options.seed,
    validationFraction: options.validationFraction,
  });
  const trainingTitles = [...splits.train, ...splits.validation].map((i) => titles[i]);
  const genres = GenreVocabulary.fromTitles(trainingTitles);
  const { targets, unknown } = genres.encodeAll(titles);
  return {
    file,
    sha256: await sha256File(file),
    titles,
    genres,
    targets,
    splits,
    splitFile: options.splitFile ?? null,
    unknownGenres: unknown,
    mapping,
    picked,
    fieldNames,
    warnings,
  };
}

/** Texts, catalogue fields and target rows of one split (train, validation or test). */
export function splitData(dataset: Dataset, indices: readonly number[]): { texts: string[]; fields: FieldValues[]; targets: Float32Array; ids: string[] } {
  const targets = selectRows(dataset.targets, indices, dataset.genres.size);
  return {
    texts: indices.map((i) => dataset.titles[i].description),
    fields: indices.map((i) => dataset.titles[i].fields),
    targets,
    ids: indices.map((i) => dataset.titles[i].id),
  };
}
