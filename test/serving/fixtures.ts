/** A tiny saved model (untrained bag, from the model-test fixtures) in a temporary folder, for the server tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import type { DecisionThresholds } from '../../src/models/classifier.js';
import { saveModel } from '../../src/models/storage.js';
import { addCatalogue, type CatalogueOptions, type CatalogueResult } from '../../src/training/train-catalogue.js';
import { GENRES, TEXTS, saveTinyModel, tinyClassifier, tinyManifestFields } from '../models/fixtures.js';

export { GENRES, TEXTS } from '../models/fixtures.js';

/**
 * Saved per-genre thresholds far from the untrained model's scores (~0.5): Comedies is always on,
 * Thrillers always off, Dramas decided by its score, so overrides are easy to tell from saved values.
 */
export const SAVED_THRESHOLDS: DecisionThresholds = { global: 0.5, perGenre: [0.01, 0.5, 0.99], mode: 'perGenre', objective: 'micro' };

export interface SavedFixture {
  root: string;
  modelDir: string;
  remove(): Promise<void>;
}

export async function savedTinyModel(): Promise<SavedFixture> {
  await useBackend('wasm');
  const root = await mkdtemp(join(tmpdir(), 'plotline-serving-test-'));
  const modelDir = join(root, 'model');
  await saveTinyModel(modelDir, { seed: 3, thresholds: SAVED_THRESHOLDS });
  return { root, modelDir, remove: () => rm(root, { recursive: true, force: true }) };
}

/** The fields model's catalogue: Comedies and Dramas only on movies, Thrillers only on TV shows. */
export const FIELD_TITLES = TEXTS.map((_, i) => ({
  fields: { type: i % 2 === 0 ? 'TV Show' : 'Movie', country: i < 3 ? 'India' : 'France' },
  genres: i % 2 === 0 ? ['Thrillers'] : i === 1 ? ['Comedies', 'Dramas'] : ['Dramas'],
}));

/** The fields model's families, as `learnGenreRules` finds them in FIELD_TITLES. */
export const FIELD_FAMILIES = [
  { value: 'TV Show', genres: ['Thrillers'] },
  { value: 'Movie', genres: ['Comedies', 'Dramas'] },
];

/**
 * Saves the tiny (untrained) bag text model with catalogue fields fused in, trained on `titles` (their
 * fields and genres, one per text of TEXTS, which are also the validation rows), into a fresh temporary
 * folder whose name starts with `prefix`. `adjust` may change the catalogue model before it is saved.
 */
async function savedCatalogueModel(
  prefix: string,
  titles: readonly { fields: Record<string, string>; genres: readonly string[] }[],
  options: Omit<CatalogueOptions, 'rules' | 'seed'>,
  adjust: (model: CatalogueResult['model']) => void = () => {},
): Promise<SavedFixture> {
  await useBackend('wasm');
  const root = await mkdtemp(join(tmpdir(), prefix));
  const modelDir = join(root, 'model');
  const text = tinyClassifier('bag', 3);
  try {
    const fields = titles.map((t) => t.fields);
    const targets = Float32Array.from(titles.flatMap((t) => GENRES.map((g) => (t.genres.includes(g) ? 1 : 0))));
    const genres = titles.map((t) => t.genres);
    const result = addCatalogue(text, await text.score(TEXTS), { fields, targets, genres }, { fields, targets }, { ...options, rules: true, seed: 5 });
    adjust(result.model);
    const columns = { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' as const };
    await saveModel(text, { ...tinyManifestFields('bag', 3), catalogue: { columns, fields: [...options.fields], rules: result.rules, fusion: result.fusion } }, modelDir, result.model);
  } finally {
    text.dispose();
  }
  return { root, modelDir, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * A saved tiny model that reads `type` and `country`, with families by `type` and a cap of one genre
 * per title (given, as `--max-genres 1` would). Its threshold is set low (0.05) after the catalogue
 * step so that more genres pass than the rules allow: every answer then has genres the rules removed.
 */
export function savedFieldsModel(): Promise<SavedFixture> {
  return savedCatalogueModel('plotline-serving-fields-', FIELD_TITLES, { fields: ['type', 'country'], familyField: 'type', maxGenres: 1, fieldModel: { epochs: 30, patience: 30 } }, (model) => {
    model.thresholds = { global: 0.05, perGenre: null, mode: 'global' };
  });
}

/**
 * A saved tiny model that reads type, release_year (2000-2002) and duration (80-130 min, 1-3 Seasons):
 * numbers and quantities, whose unusable values (not a number, out of range) are warned about.
 */
export function savedNumbersModel(): Promise<SavedFixture> {
  const titles = TEXTS.map((_, i) => ({
    fields: { type: i % 2 === 0 ? 'TV Show' : 'Movie', release_year: String(2000 + (i % 3)), duration: i % 2 === 0 ? `${1 + (i % 3)} Seasons` : `${80 + 10 * i} min` },
    genres: i % 2 === 0 ? ['Thrillers'] : ['Dramas'],
  }));
  return savedCatalogueModel('plotline-numbers-model-', titles, { fields: ['type', 'release_year', 'duration'], familyField: 'type', fieldModel: { epochs: 5, patience: 5 } });
}
