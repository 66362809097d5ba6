/**
 * What POST /v1/predict means, apart from HTTP: checking a (schema-valid) request against the limits
 * and the loaded model, and turning scores into the response's predictions. Kept apart from the route
 * so the rules read in one place; every refusal is an HttpError that names the field, index or limit.
 */
import type { FieldValues, GenreModel, ScoredTitles } from '../models/genre-model.js';
import { fieldValueWarning } from '../batch/field-value-problems.js';
import { unknownFamilyValueWarning } from '../batch/unknown-families.js';
import { unknownFamilyValue } from '../models/genre-rules.js';
import { splitWords, type Explanation } from '../explain/occlusion.js';
import { HttpError } from './errors.js';
import { KNOWN_FIELD_KINDS } from '../models/fields/field-vectorizer.js';
import { hasWords, noWordsMessage } from '../text/tokenizer.js';

/** The body after schema validation (types are guaranteed; the rules below are not). */
export interface PredictRequest {
  text?: string;
  texts?: string[];
  top_k?: number;
  threshold?: number | Record<string, number>;
  scores?: boolean;
  explain?: boolean | string;
  fields?: Record<string, string | number | string[]> | Record<string, string | number | string[]>[];
}

/**
 * What one request may cost. Explaining a text of n words scores n+1 variants of ~n words each
 * (O(n^2) work), so explanations have their own bounds: at most `maxExplainTexts` texts explained
 * per request and `maxExplainWords` words per explained text. A request therefore causes at most
 * 1 + maxExplainTexts scoring passes and scores at most maxTexts + maxExplainTexts x (maxExplainWords + 1)
 * rows.
 */
export interface PredictLimits {
  maxTexts: number;
  maxTextLength: number;
  maxExplainTexts: number;
  maxExplainWords: number;
}

/**
 * Explains one text for one genre (null: its best genre), scoring every variant with the text's
 * catalogue fields (if any) and the genre-set rules applied: occlusion, on a scoring thread or in process.
 */
/** Explains `genre` (null: the best) for `text` with its fields; `thresholds` (default the saved ones) are those the genre cap chooses by, as in the answer. */
export type Explainer = (text: string, genre: string | null, fields?: FieldValues, thresholds?: number | number[]) => Promise<Explanation>;

export interface GenreScore {
  genre: string;
  score: number;
}

export interface Prediction {
  genres: GenreScore[];
  top?: GenreScore[];
  scores?: Record<string, number>;
  explanation?: Explanation;
  removed?: string[];
  family?: { value: string; given: boolean };
}

/** A checked request: what to score and how to decide. */
export interface PredictPlan {
  texts: string[];
  /** Undefined: the model's saved thresholds. */
  thresholds?: number | number[];
  topK?: number;
  includeScores: boolean;
  /** Undefined: no explanation; null: the best genre; else that genre. */
  explainGenre?: string | null;
  /** Each text's catalogue fields, or undefined when the request gave none. */
  fields?: FieldValues[];
  /** Field values the model reads as missing, one warning each (the response's `warnings`). */
  warnings: string[];
}

/** How many texts a body carries, for the request log, before any rule is checked. */
export function textCount(body: PredictRequest | undefined): number {
  if (body === undefined || body === null) return 0;
  if (Array.isArray(body.texts)) return body.texts.length;
  return typeof body.text === 'string' ? 1 : 0;
}

export function planPrediction(body: PredictRequest, classifier: GenreModel, limits: PredictLimits): PredictPlan {
  const texts = textsOf(body, limits);
  const k = classifier.genres.length;
  if (body.top_k !== undefined && body.top_k > k) {
    throw new HttpError(400, 'invalid_body', `"top_k" must be from 1 to ${k} (the model has ${k} genres), got ${body.top_k}`);
  }
  const explainGenre = explainGenreFor(body.explain, classifier.genres);
  if (explainGenre !== undefined) checkExplainLimits(texts, body.text !== undefined, limits);
  const fields = fieldsFor(body.fields, texts.length, classifier);
  return {
    texts,
    thresholds: thresholdsFor(body.threshold, classifier),
    topK: body.top_k,
    includeScores: body.scores === true,
    explainGenre,
    fields,
    warnings: fieldValueWarningsOf(fields, Array.isArray(body.fields), classifier),
  };
}

/**
 * One warning per field value the model reads as missing (field-value-problems.ts, as `--field` and
 * `predict --input` report them), named as the request wrote it: `"fields[2].release_year"` in an
 * array of one set per text, `"fields.release_year"` for the one object that applies to every text
 * (warned about once).
 */
function fieldValueWarningsOf(fields: FieldValues[] | undefined, perText: boolean, classifier: GenreModel): string[] {
  if (fields === undefined || fields.length === 0) return [];
  const sets = perText ? fields : [fields[0]];
  return sets.flatMap((set, i) => {
    const name = (field: string): string => `"fields${perText ? `[${i}]` : ''}.${field}"`;
    const family = unknownFamilyWarningOf(set, classifier, name);
    return [...(family === null ? [] : [family]), ...classifier.fieldValueProblems(set).map((problem) => fieldValueWarning(problem, name(problem.field)))];
  });
}

/**
 * A warning when a title's family field has a value the model's genre rules do not know (`"type":
 * "Cartoon"` for families Movie and TV Show), as `--field` and `predict --input` warn: the title is
 * scored as if the field were missing. Null otherwise, and for a model that does not read the field.
 */
function unknownFamilyWarningOf(fields: FieldValues, classifier: GenreModel, name: (field: string) => string): string | null {
  const rules = classifier.rules;
  if (rules === null || rules.familyField === null || !classifier.inputFields.includes(rules.familyField)) return null;
  const value = unknownFamilyValue(rules, fields);
  if (value === null) return null;
  return unknownFamilyValueWarning(rules, rules.familyField, value, name(rules.familyField));
}

/** Refuses an explanation request beyond maxExplainTexts texts or maxExplainWords words per text, naming the limit. */
function checkExplainLimits(texts: readonly string[], single: boolean, limits: PredictLimits): void {
  if (texts.length > limits.maxExplainTexts) {
    throw new HttpError(
      400,
      'too_many_explained_texts',
      `"explain" asks to explain each of ${texts.length} texts; at most ${limits.maxExplainTexts} texts per request can be explained (limit maxExplainTexts); send fewer texts per request`,
    );
  }
  texts.forEach((text, i) => {
    const words = splitWords(text).length;
    if (words > limits.maxExplainWords) {
      throw new HttpError(
        413,
        'explain_text_too_long',
        `${single ? '"text"' : `"texts[${i}]"`} has ${words} words; "explain" covers at most ${limits.maxExplainWords} words per text (limit maxExplainWords)`,
      );
    }
  });
}

/** The largest JSON number a field value may be: larger ones do not survive JSON parsing digit for digit (99999999999999999999 reads as 1e20). */
export const LARGEST_FIELD_NUMBER = Number.MAX_SAFE_INTEGER;

/**
 * Whether `classifier` reads `field` as a number (a year; a quantity such as "90 min"): its field-value
 * check calls a value without digits "not a number" for those fields only (field-vectorizer.ts `unusable`).
 */
function readsAsNumber(classifier: GenreModel, field: string): boolean {
  return classifier.fieldValueProblems({ [field]: '-' }).some((problem) => problem.field === field && problem.reason.startsWith('not a number'));
}

/**
 * A JSON number given as a field value, as the text the model reads, or a 400 naming it: a number is
 * taken only for a field the model reads as a number (release_year, duration), and only up to
 * LARGEST_FIELD_NUMBER in size, so the value read is the value sent (its range against training is
 * then checked as for text, and warned about).
 * @throws HttpError 400 invalid_field.
 */
function numberValue(value: number, where: string, key: string, classifier: GenreModel): string {
  if (!readsAsNumber(classifier, key)) {
    throw new HttpError(400, 'invalid_field', `${where} is the number ${value}; expected a string (the model does not read ${key} as a number), e.g. "${value}"`);
  }
  if (!Number.isFinite(value) || Math.abs(value) > LARGEST_FIELD_NUMBER) {
    throw new HttpError(
      400,
      'invalid_field',
      `${where} is the number ${value}, too large to be read exactly; expected a number from -${LARGEST_FIELD_NUMBER} to ${LARGEST_FIELD_NUMBER}, or the value as a string`,
    );
  }
  // A quantity read with its unit ("90 min", "2 Seasons") cannot be read from a bare number.
  const unread = classifier.fieldValueProblems({ [key]: String(value) }).find((problem) => problem.field === key && problem.reason.startsWith('not a number'));
  if (unread !== undefined) {
    throw new HttpError(400, 'invalid_field', `${where} is the number ${value}, which ${key} cannot be read from (${unread.reason}); send it as a string with its unit, as in the training file`);
  }
  return String(value);
}

/**
 * One field set per text: an object applies to every text, an array gives one per text. Names are
 * matched lower-case; a field the model does not read is refused (listing those it reads), so a typo
 * is not silently ignored. Values are strings (a list may be an array of strings); a number only for
 * a field the model reads as a number, within LARGEST_FIELD_NUMBER (`numberValue`).
 * @throws HttpError 400: unknown_field, invalid_field (a number where text is read, or too large), invalid_body (counts).
 */
function fieldsFor(value: PredictRequest['fields'], n: number, classifier: GenreModel): FieldValues[] | undefined {
  if (value === undefined) return undefined;
  const known = classifier.inputFields;
  const sets = Array.isArray(value) ? value : Array.from({ length: n }, () => value);
  if (sets.length !== n) throw new HttpError(400, 'invalid_body', `"fields" has ${sets.length} entries for ${n} texts; give one per text, or one object for all`);
  return sets.map((set, i) => {
    const fields: Record<string, string> = {};
    for (const [name, v] of Object.entries(set)) {
      const key = name.trim().toLowerCase();
      if (!known.includes(key)) {
        const where = Array.isArray(value) ? `"fields[${i}]"` : '"fields"';
        throw new HttpError(
          400,
          'unknown_field',
          `${where} names "${name}", which this model does not read; ${known.length === 0 ? 'it reads no catalogue fields (description only)' : `it reads ${known.join(', ')}`}`,
        );
      }
      const where = `"${Array.isArray(value) ? `fields[${i}]` : 'fields'}.${name}"`;
      // A list (countries, cast) may come as a JSON array, as in JSON Lines catalogues; a field that always
      // holds one value (type, rating, release_year, duration, title) may not.
      const kind = KNOWN_FIELD_KINDS[key];
      if (Array.isArray(v) && kind !== undefined && kind !== 'list') {
        throw new HttpError(400, 'invalid_field', `${where} is a list; ${key} holds one value: send it as a string${kind === 'number' ? ' (or a number)' : ''}, e.g. ${JSON.stringify(String(v[0] ?? ''))}`);
      }
      if (typeof v === 'number') fields[key] = numberValue(v, where, key, classifier);
      else fields[key] = (Array.isArray(v) ? v.map((x) => String(x).trim()).filter((x) => x !== '').join(', ') : String(v)).trim();
    }
    return fields;
  });
}

/** Exactly one of text/texts, each within the length limit and with at least one word; at most maxTexts of them. */
function textsOf(body: PredictRequest, limits: PredictLimits): string[] {
  if (body.text !== undefined && body.texts !== undefined) throw new HttpError(400, 'invalid_body', 'give either "text" or "texts", not both');
  if (body.text === undefined && body.texts === undefined) {
    throw new HttpError(400, 'invalid_body', 'missing "text" (a string) or "texts" (an array of strings)');
  }
  const single = body.text !== undefined;
  const texts = single ? [body.text as string] : (body.texts as string[]);
  if (texts.length === 0) throw new HttpError(400, 'invalid_body', '"texts" is empty; give at least one text');
  if (texts.length > limits.maxTexts) {
    throw new HttpError(400, 'too_many_texts', `"texts" has ${texts.length} texts; at most ${limits.maxTexts} per request`);
  }
  texts.forEach((text, i) => {
    const name = single ? '"text"' : `"texts[${i}]"`;
    if (text.length > limits.maxTextLength) {
      throw new HttpError(413, 'text_too_long', `${name} is ${text.length} characters long; the limit is ${limits.maxTextLength}`);
    }
    // The one rule for token-less texts (src/text/tokenizer.ts): no words is refused like empty.
    if (!hasWords(text)) throw new HttpError(400, 'empty_text', noWordsMessage(name, text));
  });
  return texts;
}

/**
 * A number applies to every genre. A map overrides only the genres it names: the others keep the
 * thresholds the model would use anyway (its per-genre ones, or its global one).
 */
function thresholdsFor(threshold: PredictRequest['threshold'], classifier: GenreModel): number | number[] | undefined {
  if (threshold === undefined || typeof threshold === 'number') return threshold;
  const saved = classifier.activeThresholds();
  const vector = typeof saved === 'number' ? classifier.genres.map(() => saved) : [...saved];
  for (const [genre, value] of Object.entries(threshold)) {
    const j = classifier.genres.indexOf(genre);
    if (j < 0) throw unknownGenre('threshold', genre);
    vector[j] = value;
  }
  return vector;
}

function explainGenreFor(value: PredictRequest['explain'], genres: readonly string[]): string | null | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return null;
  if (!genres.includes(value)) throw unknownGenre('explain', value);
  return value;
}

function unknownGenre(field: string, genre: string): HttpError {
  return new HttpError(400, 'unknown_genre', `"${field}" names an unknown genre "${genre}"; GET /v1/model lists the model's genres`);
}

/**
 * One prediction per text, in order, from the texts' scores (texts x genres, row-major; with the
 * rules' outcome when given as ScoredTitles); explanations, when the plan asks for them, come from
 * `explainer` (one call per text, with the text's fields).
 */
export async function buildPredictions(classifier: GenreModel, plan: PredictPlan, scores: Float32Array | ScoredTitles, explainer: Explainer): Promise<Prediction[]> {
  const decided = classifier.decide(scores, { thresholds: plan.thresholds, topK: plan.topK });
  return Promise.all(decided.map(async (d, i) => {
    const prediction: Prediction = { genres: d.genres.map((genre) => ({ genre, score: d.scores[genre] })) };
    if (d.top !== undefined) prediction.top = d.top;
    if (plan.includeScores) prediction.scores = d.scores;
    if (d.removed !== undefined) prediction.removed = d.removed;
    if (d.family !== undefined) prediction.family = d.family;
    if (plan.explainGenre !== undefined) prediction.explanation = await explainer(plan.texts[i], plan.explainGenre, plan.fields?.[i], plan.thresholds);
    return prediction;
  }));
}
