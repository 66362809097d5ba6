/**
 * The last two steps of train -> evaluate -> save, shared by `plotline train` and `plotline compare`:
 * a trained text model with its catalogue step done (train-catalogue.ts's `addCatalogue`: fields,
 * rules, thresholds) is scored on the validation slice and the test split with the thresholds it
 * keeps, and saved as a model folder whose manifest records the run and both evaluations.
 *
 * The whole path is: `trainModel` (train-model.ts) -> `addCatalogue` -> `evaluateAndSave`.
 */
import type { Dataset } from '../data/dataset.js';
import type { FieldValues } from '../models/genre-model.js';
import { trainedManifestFields, type RunContext } from '../models/manifest.js';
import { saveModel } from '../models/storage.js';
import { evaluateScores, summarise, type Evaluation } from '../evaluation/evaluate-scores.js';
import { catalogueSection, type CatalogueOptions, type CatalogueResult } from './train-catalogue.js';
import type { LabelledTexts } from './train-classifier.js';
import type { TrainedModel } from './train-model.js';

/** A split's texts with their catalogue fields and targets (data/dataset.ts's `splitData`). */
export type TitlesSplit = LabelledTexts & { fields: readonly FieldValues[] };

export interface EvaluateAndSaveOptions {
  dataset: Dataset;
  validation: TitlesSplit;
  /** The test split; empty: not scored (`test` is then null). */
  test: TitlesSplit;
  /** The data file, its sha256, the split file and the split sizes, as the manifest records them. */
  run: RunContext;
  /** Seeds the bootstrap interval of both evaluations. */
  seed: number;
  /** The model folder to write (replaced atomically). */
  out: string;
  /**
   * The text model's own test scores when the caller has them already (`compare` scores the text
   * model once for both of its tracks); used only when the catalogue step added no field model.
   */
  textTestScores?: Float32Array;
}

export interface EvaluatedModel {
  validation: Evaluation;
  test: Evaluation | null;
  /**
   * Test scores as users get them (fields fused, rules applied), before the rules (`raw`), and under
   * the rules as any global threshold decides them (`global`: threshold curves); null without a test split.
   */
  testScores: { scores: Float32Array; raw: Float32Array; global: Float32Array } | null;
}

/**
 * Evaluates the model of `catalogue` (the one users get) on validation and test with its own
 * thresholds and saves it, with `trained`'s network, into `options.out`. Throws what `saveModel`
 * throws (a PlotlineError when `out` cannot be written).
 */
export async function evaluateAndSave(trained: TrainedModel, catalogue: CatalogueResult, catalogueOptions: CatalogueOptions, options: EvaluateAndSaveOptions): Promise<EvaluatedModel> {
  const { dataset, validation, test, seed } = options;
  const model = catalogue.model;
  const genres = model.genres;
  const thresholds = model.activeThresholds();
  let testScores: EvaluatedModel['testScores'] = null;
  if (test.texts.length > 0) {
    const raw = model === trained.classifier && options.textTestScores !== undefined ? options.textTestScores : await model.score(test.texts, test.fields);
    testScores = { scores: model.constrain(raw, test.fields).scores, raw, global: model.constrainForGlobalThresholds(raw, test.fields) };
  }
  // Ranking metrics read the scores before the genre rules (raw), decisions the scores after them
  // (at 0.5: the rules as a global threshold of 0.5 applies them).
  const testEvaluation = testScores === null ? null : evaluateScores(test.targets, testScores.scores, genres, thresholds, seed, testScores.raw, testScores.global);
  const validationGlobal = model.constrainForGlobalThresholds(catalogue.validation.raw, validation.fields);
  const validationEvaluation = evaluateScores(validation.targets, catalogue.validation.scores, genres, thresholds, seed, catalogue.validation.raw, validationGlobal);
  const manifest = {
    ...trainedManifestFields(trained, options.run, { validation: summarise(validationEvaluation), test: testEvaluation === null ? null : summarise(testEvaluation) }),
    catalogue: catalogueSection(dataset, catalogueOptions, catalogue),
  };
  await saveModel(trained.classifier, manifest, options.out, model);
  return { validation: validationEvaluation, test: testEvaluation, testScores };
}
