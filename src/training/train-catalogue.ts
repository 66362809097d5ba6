/**
 * The catalogue step after a text model is trained (every kind goes through it, in `train` and in
 * `compare`): add the title's fields, then the genre-set rules, then tune the thresholds of the
 * result on the validation slice.
 *
 * 1. Fields (when the model reads any): fit the field vectorizer and train the field model on the
 *    training split (field dropout, early stopping on validation log-loss), then fit the logit fusion
 *    with the text model's validation scores (catalogue-model.ts).
 * 2. Rules: families and the cap learned from the training split; both always hold, so no answer is
 *    a genre set no training title had. The rule for titles whose family field is unknown ('total' or
 *    'max') is chosen by cross-fitted validation micro-F1 with the family field hidden from the model
 *    (thresholds tuned on one half, scored on the other, as for the threshold mode; ties keep 'total').
 * 3. Thresholds: tuned on the validation scores with the rules applied, as users will get them (the
 *    cap keeping the most probable genres, which is what it keeps under any global threshold; with
 *    per-genre thresholds the cap then chooses among the genres that pass them, genre-rules.ts `capRow`,
 *    and the cross-fitted choice between global and per-genre thresholds is made on decisions taken so).
 */
import type { GenreModel, FieldValues } from '../models/genre-model.js';
import { FieldVectorizer } from '../models/fields/field-vectorizer.js';
import { trainFieldModel, type FieldModelSettings } from '../models/fields/field-model.js';
import { fitFieldlessFusion, fitLogitFusion, fuse, logit, type LogitFusion } from '../models/fields/logit-fusion.js';
import { CatalogueModel, fieldlessRows } from '../models/fields/catalogue-model.js';
import { applyGenreRules, learnGenreRules, type GenreRules, type UnknownFamilyRule } from '../models/genre-rules.js';

/** The unknown-family rules validation chooses between: each holds a title to one family. */
const CHOSEN_FAMILY_RULES: readonly UnknownFamilyRule[] = ['total', 'max'];
import { tuneDecisionThresholds, type DecisionThresholdOptions, type ThresholdObjective, type TunedThresholds } from '../evaluation/decision-thresholds.js';
import { genrePriorLogOdds, tuneGlobalThreshold } from '../evaluation/thresholds.js';
import { applyThresholds } from '../models/thresholds.js';
import { selectRows } from '../util/row-matrix.js';
import { splitData, type Dataset } from '../data/dataset.js';
import { resolveFieldList } from '../data/columns.js';
import type { CatalogueSection } from '../models/manifest.js';
import { PlotlineError } from '../util/errors.js';

export interface CatalogueSplit {
  fields: readonly FieldValues[];
  /** n x genres multi-hot. */
  targets: Float32Array;
}

export interface CatalogueOptions {
  /** Fields the model reads (lower-case); empty: description only (rules still apply). */
  fields: readonly string[];
  /** The field that defines genre families (default `type` when the data has it), or null. */
  familyField: string | null;
  /** `--max-genres`; undefined: the training maximum; null: no cap. */
  maxGenres?: number | null;
  /** Whether to learn rules at all (`--no-rules` turns them off). */
  rules: boolean;
  seed: number;
  fieldModel?: Partial<FieldModelSettings>;
  /** What the thresholds are chosen for (`--threshold-objective`; default `mean` of micro- and macro-F1, decision-thresholds.ts). */
  thresholdObjective?: ThresholdObjective;
}

export interface CatalogueResult {
  /** The model users get: the text model, or a CatalogueModel around it; rules and thresholds set. */
  model: GenreModel;
  rules: GenreRules | null;
  fusion: LogitFusion | null;
  /** Validation scores as users get them (fused, rules applied), before the rules, and before the rules with the family field hidden. */
  validation: { scores: Float32Array; raw: Float32Array; hiddenFamily: Float32Array };
  tuned: TunedThresholds;
  /** The field model's early-stopping epoch and validation log-loss per epoch, when it has one. */
  fieldTraining: { bestEpoch: number; history: { epoch: number; validationLoss: number }[] } | null;
}

/**
 * Adds fields, rules and thresholds to a trained text model.
 *
 * @param text the trained text model; its thresholds are replaced when no fields are added.
 * @param textValidationScores the text model's raw validation scores (n x genres).
 */
export function addCatalogue(
  text: GenreModel,
  textValidationScores: Float32Array,
  train: CatalogueSplit & { genres: readonly (readonly string[])[] },
  validation: CatalogueSplit,
  options: CatalogueOptions,
): CatalogueResult {
  const genres = text.genres;
  const k = genres.length;
  let model: GenreModel = text;
  let raw = textValidationScores;
  let fusion: LogitFusion | null = null;
  let fieldTraining: CatalogueResult['fieldTraining'] = null;
  // Validation scores with the family field hidden, to choose the rule for unknown families.
  let hiddenFamily = textValidationScores;

  if (options.fields.length > 0) {
    const vectorizer = FieldVectorizer.fit(train.fields, options.fields);
    const validationRows = validation.fields.map((f) => vectorizer.transform(f));
    const trained = trainFieldModel(
      vectorizer.size,
      k,
      { rows: train.fields.length, targets: train.targets, vectorize: (i, drop) => vectorizer.transform(train.fields[i], drop) },
      { rows: validationRows, targets: validation.targets },
      options.fields,
      { seed: options.seed, settings: options.fieldModel },
    );
    fieldTraining = { bestEpoch: trained.bestEpoch, history: trained.history };
    const fieldLogits = trained.model.logits(validationRows);
    fusion = { ...fitLogitFusion(textValidationScores, fieldLogits, validation.targets, k), withoutFields: fitFieldlessFusion(textValidationScores, validation.targets, k) };
    model = new CatalogueModel(text, vectorizer, trained.model, fusion, text.thresholds);
    // As CatalogueModel.score does: a title whose fields give no feature is scored from its text alone.
    raw = fuse(textValidationScores, fieldLogits, fusion, k, fieldlessRows(validationRows));
    if (options.familyField !== null) {
      const hide = new Set([options.familyField]);
      const hiddenRows = validation.fields.map((f) => vectorizer.transform(f, hide));
      hiddenFamily = fuse(textValidationScores, trained.model.logits(hiddenRows), fusion, k, fieldlessRows(hiddenRows));
    } else hiddenFamily = raw;
  }

  const readsFamily = options.familyField !== null && model.inputFields.includes(options.familyField);
  const decided = decideRules(genres, train, validation, options, { raw, hiddenFamily, readsFamily });
  model.rules = decided.rules;
  model.thresholds = decided.tuned.thresholds;
  if (fusion?.withoutFields !== undefined) alignFieldlessThresholds(fusion.withoutFields, textValidationScores, validation.targets, decided, genres);
  return { model, rules: decided.rules, fusion, validation: { scores: decided.scores, raw, hiddenFamily }, tuned: decided.tuned, fieldTraining };
}

/**
 * The thresholds were tuned on titles with fields; a field-less title's scores (text alone, under the
 * rules for an unknown family) have their own best threshold t0. Adding logit(T_j) - logit(t0) to each
 * genre's field-less bias makes "score >= T_j" (the model's threshold for genre j) the same decision as
 * "text-only score >= t0", so one set of thresholds serves both kinds of title. On the standard split's
 * validation slice (cross-fitted, bag): field-less titles 0.450 micro-F1 with the fielded thresholds,
 * 0.465 with their own.
 */
function alignFieldlessThresholds(
  withoutFields: { text: number[]; bias: number[] },
  textValidationScores: Float32Array,
  targets: Float32Array,
  decided: { rules: GenreRules | null; tuned: TunedThresholds },
  genres: readonly string[],
): void {
  const k = genres.length;
  const bare = fuse(textValidationScores, new Float32Array(textValidationScores.length), { text: 1, fields: 0, bias: 0, withoutFields }, k, new Uint8Array(textValidationScores.length / k).fill(1));
  const ruled = decided.rules === null ? bare : applyGenreRules(bare, genres, decided.rules, undefined).scores;
  const t0 = tuneGlobalThreshold(targets, ruled, k).threshold;
  const { thresholds } = decided.tuned;
  for (let j = 0; j < k; j++) {
    const active = thresholds.mode === 'perGenre' && thresholds.perGenre !== null ? thresholds.perGenre[j] : thresholds.global;
    withoutFields.bias[j] += logit(active) - logit(t0);
  }
}

/**
 * Learns the genre-set rules from the training split, chooses the cap and the unknown-family rule
 * on validation (see the module comment), and tunes thresholds on the scores with the rules applied.
 * Used for every trained model and for ensembles (whose members' scores are averaged first).
 *
 * @param train the training split: its fields and genre lists (the rules), and its targets (each
 *   genre's prevalence, which prior-shifted thresholds move by).
 * @param scores the model's raw validation scores, and with the family field hidden from the model.
 */
export function decideRules(
  genres: readonly string[],
  train: CatalogueSplit & { genres: readonly (readonly string[])[] },
  validation: CatalogueSplit,
  options: Pick<CatalogueOptions, 'familyField' | 'maxGenres' | 'rules' | 'thresholdObjective'>,
  scores: { raw: Float32Array; hiddenFamily: Float32Array; readsFamily: boolean },
): { rules: GenreRules | null; scores: Float32Array; tuned: TunedThresholds } {
  const k = genres.length;
  const { raw, hiddenFamily, readsFamily } = scores;
  const tuning: ThresholdTuning = { priorLogOdds: genrePriorLogOdds(train.targets, k), objective: options.thresholdObjective };
  let rules: GenreRules | null = null;
  if (options.rules) {
    const titles = train.fields.map((fields, i) => ({ fields, genres: train.genres[i] }));
    const learned = learnGenreRules(titles, genres, { familyField: options.familyField, maxGenres: options.maxGenres });
    const heldOut = (candidate: GenreRules, candidateScores: Float32Array, fields: readonly FieldValues[] | undefined): number => {
      const { crossFitted } = tuneUnderRules(validation.targets, candidateScores, genres, candidate, fields, tuning).tuned;
      return Math.max(crossFitted.global, crossFitted.perGenre, crossFitted.priorShift?.value ?? -Infinity);
    };
    // The cap always holds (the training maximum, or --max-genres), and a family is always chosen: a
    // prediction is never a genre set no training title had. Validation only picks how the family of
    // a title without the family field is chosen ('none' is for users who set it by hand).
    const maxGenres = learned.maxGenres;
    const unknownFamily =
      learned.familyField === null ? learned.unknownFamily : best(CHOSEN_FAMILY_RULES, (rule) => heldOut({ ...learned, unknownFamily: rule }, hiddenFamily, undefined));
    rules = { ...learned, maxGenres, unknownFamily };
  }
  if (rules === null) return { rules, scores: raw, tuned: tuneDecisionThresholds(validation.targets, raw, k, tuning) };
  const ruleFields = readsFamily ? validation.fields : undefined;
  const { tuned } = tuneUnderRules(validation.targets, raw, genres, rules, ruleFields, tuning);
  // The scores returned are capped as the model will cap them: by the chosen thresholds.
  const { thresholds } = tuned;
  const active = thresholds.mode === 'perGenre' && thresholds.perGenre !== null ? thresholds.perGenre : thresholds.global;
  return { rules, scores: applyGenreRules(raw, genres, rules, ruleFields, active).scores, tuned };
}

/**
 * Thresholds for raw validation scores under genre rules. They are tuned on the scores with the rules
 * applied and the cap keeping the most probable genres (what it keeps under any global threshold; the
 * per-genre tuner weighs each genre alone, so it cannot follow a cap that couples them); the mode
 * (global or per-genre) is chosen on held-out decisions taken as the model takes them, the cap
 * choosing among the genres that pass the thresholds (genre-rules.ts `capRow`).
 */
function tuneUnderRules(
  targets: Float32Array,
  raw: Float32Array,
  genres: readonly string[],
  rules: GenreRules,
  fields: readonly FieldValues[] | undefined,
  tuning: ThresholdTuning,
): { tuned: TunedThresholds } {
  const k = genres.length;
  const constrained = applyGenreRules(raw, genres, rules, fields).scores;
  if (rules.maxGenres === null) return { tuned: tuneDecisionThresholds(targets, constrained, k, tuning) };
  // The family rule once, then the cap by the thresholds of each held-out decision.
  const family = applyGenreRules(raw, genres, { ...rules, maxGenres: null }, fields).scores;
  const capOnly: GenreRules = { ...rules, familyField: null, families: [] };
  const decide = (rows: readonly number[], thresholds: number | number[]): Uint8Array =>
    applyThresholds(applyGenreRules(selectRows(family, rows, k), genres, capOnly, undefined, thresholds).scores, k, thresholds);
  return { tuned: tuneDecisionThresholds(targets, constrained, k, { ...tuning, decide }) };
}

/** The threshold tuner's options every tuning of one model shares. */
type ThresholdTuning = Pick<DecisionThresholdOptions, 'priorLogOdds' | 'objective'>;

/** The candidate with the highest value (ties: the earliest). */
function best<T>(candidates: readonly T[], value: (candidate: T) => number): T {
  let chosen = candidates[0];
  let top = -Infinity;
  for (const candidate of candidates) {
    const v = value(candidate);
    if (v > top) {
      top = v;
      chosen = candidate;
    }
  }
  return chosen;
}

/** What the user asked for about fields and rules (`--fields`, `--family-field`, `--max-genres`, `--no-rules`). */
export interface CatalogueRequest {
  fields?: readonly string[];
  /** A field name, `none`, or undefined: `type` when the data has it. */
  familyField?: string;
  maxGenres?: number;
  rules?: boolean;
  thresholdObjective?: ThresholdObjective;
}

/**
 * Resolves the request against a dataset: which fields the model reads, which field defines the
 * families, and the splits' fields and genres that `addCatalogue` needs.
 *
 * @throws PlotlineError when a named field or family field is not in the file.
 */
export function catalogueOptions(dataset: Dataset, request: CatalogueRequest, seed: number): CatalogueOptions {
  const fields = resolveFieldList(request.fields, dataset.fieldNames, dataset.file, dataset.mapping);
  let familyField: string | null = null;
  if (request.familyField === undefined) familyField = dataset.fieldNames.includes('type') ? 'type' : null;
  else if (request.familyField.trim().toLowerCase() !== 'none') {
    familyField = request.familyField.trim().toLowerCase();
    if (!dataset.fieldNames.includes(familyField)) {
      throw new PlotlineError(`--family-field names "${familyField}", which the file does not have; its fields: ${dataset.fieldNames.join(', ') || '(none)'}`, {
        file: dataset.file,
        field: familyField,
      });
    }
  }
  // A family field named by the user is read by the model too (unless it reads the description only),
  // so that a title's known family can hold at prediction time: `--family-field kind` on a file whose
  // `kind` is not a usual catalogue field would otherwise always be guessed.
  const withFamily = familyField !== null && request.familyField !== undefined && fields.length > 0 && !fields.includes(familyField) ? [...fields, familyField] : fields;
  return { fields: withFamily, familyField, maxGenres: request.maxGenres, rules: request.rules ?? true, seed, thresholdObjective: request.thresholdObjective };
}

/** A split's fields, targets and genre lists, as `addCatalogue` takes them. */
export function catalogueSplit(dataset: Dataset, indices: readonly number[]): CatalogueSplit & { genres: string[][] } {
  const data = splitData(dataset, indices);
  return { fields: data.fields, targets: data.targets, genres: indices.map((i) => dataset.titles[i].genres) };
}

/** The manifest's `catalogue` section for a model that went through `addCatalogue`. */
export function catalogueSection(dataset: Dataset, options: CatalogueOptions, result: CatalogueResult): CatalogueSection {
  return { columns: dataset.mapping, fields: [...options.fields], rules: result.rules, fusion: result.fusion };
}
