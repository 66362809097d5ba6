/**
 * What every trained Plotline model is to its users (`predict`, `evaluate`, the server, batch
 * scoring, explanations): texts in, one probability per genre out, and the thresholds that turn
 * probabilities into genres. Models trained from scratch (GenreClassifier) and frozen pretrained
 * encoders with a trained head (EncoderHeadClassifier) both are one, so nothing downstream cares which.
 *
 * Scoring is asynchronous because a pretrained encoder runs in ONNX Runtime or worker threads.
 *
 * A model may also read a title's catalogue fields (type, country, ...: `inputFields`), and may carry
 * genre-set rules (families and a cap, genre-rules.ts) that every caller sees through `scoreTitles`
 * and `predict`: `score` is the raw model, `scoreTitles` the model as users get it.
 */
import { applyThresholds, type DecisionThresholds } from './thresholds.js';
import { applyGenreRules, type GenreRules, type RuleOutcome } from './genre-rules.js';
import type { Manifest } from './manifest.js';

export type { DecisionThresholds } from './thresholds.js';

/** A title's catalogue fields by lower-case name, as text (see data/titles.ts). */
export type FieldValues = Readonly<Record<string, string>>;

/** A field value a model cannot use and reads as missing (not a number, out of range), with what was expected instead. */
export interface FieldValueProblem {
  field: string;
  /** As written (trimmed). */
  value: string;
  /** What is wrong, read after "is": `out of range`, `not a number`, `not a number with a unit`. */
  reason: string;
  expected: string;
}

export interface GenrePrediction {
  /** Genres at or above their threshold, best first; never empty (the best genre stands in). */
  genres: string[];
  /** Every genre's probability, in the model's genre order. */
  scores: Record<string, number>;
  /** The k best genres with their probabilities, when asked for. */
  top?: { genre: string; score: number }[];
  /** Genres that passed their threshold but that the genre-set rules took out (other family, over the cap); absent when none. */
  removed?: string[];
  /** The family the rules held the title to, and whether its own field said so or the unknown-family rule chose it. */
  family?: { value: string; given: boolean };
}

export interface PredictOptions {
  /** A number for every genre, or one per genre (genre order); default: the saved thresholds. */
  thresholds?: number | number[];
  topK?: number;
  /** Each text's catalogue fields (same order), for models that read them and for the family rule. */
  fields?: readonly (FieldValues | undefined)[];
}

/** Scores as users get them (rules applied), the raw scores, and what the rules decided per title. */
export interface ScoredTitles {
  scores: Float32Array;
  raw: Float32Array;
  outcomes: RuleOutcome[] | null;
  /** The thresholds the cap chose by (genre-rules.ts `capRow`): `decide` must use these. */
  thresholds: number | number[];
}

export abstract class GenreModel {
  /** Genre-set rules applied by `scoreTitles` and `predict`, or null. */
  rules: GenreRules | null = null;

  constructor(
    readonly genres: readonly string[],
    public thresholds: DecisionThresholds,
  ) {}

  /**
   * Raw probabilities for `texts` (and their fields, for models that read them): n x genres,
   * row-major, in input order. No genre-set rules: see `scoreTitles`.
   */
  abstract score(texts: readonly string[], fields?: readonly (FieldValues | undefined)[]): Promise<Float32Array>;

  /** The catalogue fields this model reads (lower-case names); empty for a description-only model. */
  get inputFields(): readonly string[] {
    return [];
  }

  /**
   * Scores with the genre-set rules applied. The family field is read from `fields` only when the
   * model takes it as input: a description-only model chooses the family by its rule for unknowns.
   */
  async scoreWithRules(texts: readonly string[], fields?: readonly (FieldValues | undefined)[], thresholds?: number | number[]): Promise<ScoredTitles> {
    if (fields !== undefined && fields.length !== texts.length) throw new RangeError(`${texts.length} texts but ${fields.length} field sets`);
    return this.constrain(await this.score(texts, fields), fields, thresholds);
  }

  /**
   * Applies the genre-set rules to raw scores (n x genres) of titles with these fields; see
   * `scoreWithRules`. The cap chooses among the genres that pass `thresholds` (default: the saved
   * ones, `activeThresholds()`), so give the thresholds the decisions will use.
   */
  constrain(raw: Float32Array, fields?: readonly (FieldValues | undefined)[], thresholds: number | number[] = this.activeThresholds()): ScoredTitles {
    if (this.rules === null) return { scores: raw, raw, outcomes: null, thresholds };
    const { scores, outcomes } = applyGenreRules(raw, this.genres, this.rules, this.ruleFields(fields), thresholds);
    return { scores, raw, outcomes, thresholds };
  }

  /**
   * Raw scores (n x genres) under the genre-set rules as any single global threshold decides them: the
   * family rule, then the cap keeping the most probable genres (genre-rules.ts, without thresholds).
   * What metrics at a fixed threshold (0.5) and threshold curves read; the model's own decisions use
   * `constrain`, whose cap chooses by the model's thresholds (per genre, perhaps).
   */
  constrainForGlobalThresholds(raw: Float32Array, fields?: readonly (FieldValues | undefined)[]): Float32Array {
    if (this.rules === null) return raw;
    return applyGenreRules(raw, this.genres, this.rules, this.ruleFields(fields)).scores;
  }

  /** The fields the family rule may read: the titles' own only when the model takes the family field as input. */
  private ruleFields(fields: readonly (FieldValues | undefined)[] | undefined): readonly (FieldValues | undefined)[] | undefined {
    const family = this.rules?.familyField ?? null;
    return family !== null && this.inputFields.includes(family) ? fields : undefined;
  }

  /** Probabilities as users get them: `score` with the genre-set rules applied. */
  async scoreTitles(texts: readonly string[], fields?: readonly (FieldValues | undefined)[]): Promise<Float32Array> {
    return (await this.scoreWithRules(texts, fields)).scores;
  }

  abstract dispose(): Promise<void>;

  /**
   * What a saved folder's manifest records as this model's encoder (its `encoder` field): the vectorizer
   * of a from-scratch kind, the reference to a pretrained encoder, `{ type: 'ensemble' }`.
   * @throws Error for a model that is not saved as a model folder (a test double).
   */
  manifestEncoder(): Manifest['encoder'] {
    throw new Error(`${this.constructor.name} is not saved as a model folder`);
  }

  /**
   * Weights this model learned (`trained`) and weights it holds fixed (`frozen`: a pretrained
   * encoder's, bag's idf column), as `plotline compare` reports them.
   * @throws Error for a model that does not count them (a loaded folder, a test double).
   */
  parameterCounts(): { trained: number; frozen: number } {
    throw new Error(`${this.constructor.name} does not count its parameters`);
  }

  /**
   * The catalogue-field part a saved folder keeps beside the text model (fields.json: the field
   * vectorizer and field model, as JSON), or null for a model that reads no fields.
   */
  fieldPart(): { vectorizer: unknown; model: unknown } | null {
    return null;
  }

  /**
   * The values of a title's fields this model reads as missing because they are out of range (a year
   * of 99999999999999999999, a negative duration; see fields/field-vectorizer.ts `plausibleRange`),
   * each with what was expected. None for a model that reads no fields.
   */
  fieldValueProblems(_fields: FieldValues | undefined): FieldValueProblem[] {
    return [];
  }

  /**
   * Whether the model reads anything from a title's `fields`: false when it would score the title from
   * its description alone (no field it reads is given, or every value given is one it drops: a category
   * unseen in training, a number out of range). Here: some field of `inputFields` is not blank; a model
   * with a field vectorizer asks it (fields/catalogue-model.ts).
   */
  readsFieldsOf(fields: FieldValues | undefined): boolean {
    return this.inputFields.some((name) => (fields?.[name] ?? '').trim() !== '');
  }

  /** The same model scoring without any embedding cache, so timing measures embedding too (`this` when it has none). */
  withoutCache(): GenreModel {
    return this;
  }

  /** The thresholds `predict` applies when the caller gives none. */
  activeThresholds(): number | number[] {
    return this.thresholds.mode === 'perGenre' && this.thresholds.perGenre !== null ? this.thresholds.perGenre : this.thresholds.global;
  }

  /**
   * Turns scores into predictions; split from `score` so callers can score once and decide many ways.
   * Given the whole ScoredTitles, each prediction also says what the rules removed and which family held.
   * @throws RangeError when `options.thresholds` differ from those `scored` was constrained with (the
   *   cap chose by those: constrain again with the new ones).
   */
  decide(scored: Float32Array | ScoredTitles, options: PredictOptions = {}): GenrePrediction[] {
    const k = this.genres.length;
    const scores = scored instanceof Float32Array ? scored : scored.scores;
    const thresholds = options.thresholds ?? (scored instanceof Float32Array ? this.activeThresholds() : scored.thresholds);
    if (!(scored instanceof Float32Array) && scored.outcomes !== null && !sameThresholds(thresholds, scored.thresholds)) {
      throw new RangeError(`decide: thresholds ${JSON.stringify(thresholds)} differ from those the scores were constrained with (${JSON.stringify(scored.thresholds)})`);
    }
    const decided = applyThresholds(scores, k, thresholds);
    const before = scored instanceof Float32Array || scored.outcomes === null ? null : applyThresholds(scored.raw, k, thresholds);
    const outcomes = scored instanceof Float32Array ? null : scored.outcomes;
    if (before !== null) {
      // A genre the rules removed (score set to 0) stays off even under a threshold of 0.
      const raw = (scored as ScoredTitles).raw;
      for (let c = 0; c < scores.length; c++) if (scores[c] === 0 && raw[c] > 0) decided[c] = 0;
    }
    const n = scores.length / k;
    const predictions: GenrePrediction[] = [];
    for (let i = 0; i < n; i++) {
      const row = scores.subarray(i * k, (i + 1) * k);
      // Genres the rules set to 0 tie; their scores before the rules order them (so --top-k lists the
      // runners-up a cap removed before another family's genres, not in genre order).
      const rawRow = scored instanceof Float32Array ? row : scored.raw.subarray(i * k, (i + 1) * k);
      const ranked = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || rawRow[b] - rawRow[a] || a - b);
      const genres = ranked.filter((j) => decided[i * k + j] === 1).map((j) => this.genres[j]);
      const prediction: GenrePrediction = {
        genres,
        scores: Object.fromEntries(this.genres.map((g, j) => [g, row[j]])),
      };
      if (options.topK !== undefined) prediction.top = ranked.slice(0, options.topK).map((j) => ({ genre: this.genres[j], score: row[j] }));
      if (before !== null) {
        const removed = this.genres.filter((_, j) => before[i * k + j] === 1 && decided[i * k + j] === 0);
        if (removed.length > 0) prediction.removed = removed;
      }
      const outcome = outcomes?.[i];
      if (outcome !== undefined && outcome.family !== null) prediction.family = { value: outcome.family, given: outcome.familyGiven };
      predictions.push(prediction);
    }
    return predictions;
  }

  async predict(texts: readonly string[], options: PredictOptions = {}): Promise<GenrePrediction[]> {
    return this.decide(await this.scoreWithRules(texts, options.fields, options.thresholds), options);
  }
}

/** Whether two threshold settings are the same cut-offs (a number, or one per genre). */
function sameThresholds(a: number | readonly number[], b: number | readonly number[]): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.length === b.length && a.every((v, j) => v === b[j]);
}
