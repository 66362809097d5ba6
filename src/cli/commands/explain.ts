/**
 * `plotline explain`: which words made the model give a text its genre. For the best genre (or each
 * --genre) prints the genre's probability and every word's occlusion weight (the probability lost when
 * the word is left out), strongest first, plus the text with each word's weight inline.
 */
import { openModel } from '../../models/open-model.js';
import { explain, ruledScorer, type Explanation } from '../../explain/occlusion.js';
import type { EncoderLocationOptions } from '../options.js';
import type { BackendName } from '../../engine/backend.js';
import { PlotlineError } from '../../util/errors.js';
import { hasWords, noWordsMessage } from '../../text/tokenizer.js';
import type { GenrePrediction } from '../../models/genre-model.js';
import type { GenreRules } from '../../models/genre-rules.js';
import { fieldOptionWarnings, parseFieldOptions, removedByRules } from './predict.js';

export interface ExplainCommandOptions extends EncoderLocationOptions {
  model: string;
  text: string;
  genre: string[];
  threshold?: number;
  json: boolean;
  backend: BackendName;
  /** `--field name=value`: the text's catalogue fields, as for predict. */
  field?: string[];
}

/** Weights smaller than this are shown as 0 and get no marker inline. */
const NEGLIGIBLE = 0.0005;

export async function explainCommand(options: ExplainCommandOptions): Promise<void> {
  const text = options.text.trim();
  if (!hasWords(text)) throw new PlotlineError(noWordsMessage('the description to explain', text));
  const { classifier } = await openModel(options.model, { backend: options.backend, startBackend: 'if-needed', encoder: { override: options.encoder, allowDownload: options.allowDownload } });
  let explanations: Explanation[];
  let removed: string | null;
  let prediction: GenrePrediction;
  try {
    const genres = options.genre.length === 0 ? undefined : unique(options.genre.map((g) => resolveGenre(g, classifier.genres)));
    // As predict and the API score it: with the text's --field values and the genre-set rules applied,
    // and the same warnings about those values as predict gives.
    const fields = parseFieldOptions(options.field ?? [], classifier.inputFields);
    for (const warning of fieldOptionWarnings(classifier, fields)) process.stderr.write(`warning: ${warning}\n`);
    [prediction] = await classifier.predict([text], { thresholds: options.threshold, fields: fields === undefined ? undefined : [fields] });
    removed = removedByRules(prediction, classifier.rules);
    explanations = await explain(ruledScorer(classifier, fields, undefined, options.threshold), text, genres);
  } finally {
    // An encoder + head model's worker threads would otherwise keep the process alive.
    await classifier.dispose();
  }
  const thresholds = options.threshold ?? classifier.activeThresholds();
  const thresholdOf = (genre: string): number => (typeof thresholds === 'number' ? thresholds : thresholds[classifier.genres.indexOf(genre)]);
  const ruledOut = (genre: string): string | null => outOfFamily(genre, prediction, classifier.rules);
  if (options.json) {
    const out = {
      text,
      // `predicted` is predict's answer for the text, so it includes the at-least-one-genre stand-in.
      // `ruledOut`: why a genre of another family scores 0 (the weights are then all 0).
      explanations: explanations.map((e) => {
        const why = ruledOut(e.genre);
        return { genre: e.genre, score: e.score, threshold: thresholdOf(e.genre), predicted: prediction.genres.includes(e.genre), ...(why === null ? {} : { ruledOut: why }), words: e.words };
      }),
      // As predict --json: genres that passed their threshold on the model's scores but the rules took out.
      ...(prediction.removed === undefined ? {} : { removed: prediction.removed }),
      ...(prediction.family === undefined ? {} : { family: prediction.family }),
    };
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  process.stdout.write(
    explanations
      .map((e) => {
        const why = ruledOut(e.genre);
        return formatExplanation(text, e, thresholdOf(e.genre), prediction.genres.includes(e.genre)) + (why === null ? '' : `\n  (${why})`);
      })
      .join('\n') + '\n',
  );
  // A genre the rules removed scores 0 here (the weights are of the ruled scores): say which and why.
  if (removed !== null) process.stdout.write(`${removed}\n`);
}

/**
 * Why `genre` scores 0 for this text when the genre-set rules held the text to another family
 * ("Thrillers is not a TV Show genre (type given): the genre rules set it to 0 ..."), or null when
 * the genre is in the held family, in no family, or no family held.
 */
export function outOfFamily(genre: string, prediction: Pick<GenrePrediction, 'family'>, rules: GenreRules | null): string | null {
  const family = prediction.family;
  if (rules === null || rules.familyField === null || family === undefined) return null;
  const held = rules.families.find((f) => f.value === family.value);
  if (held === undefined || held.genres.includes(genre) || !rules.families.some((f) => f.genres.includes(genre))) return null;
  const how = family.given ? 'given' : 'chosen by the scores, as it is not given';
  return `${genre} is not a ${family.value} genre (${rules.familyField} ${how}): the genre rules set it to 0, so no word moves it`;
}

/**
 * The model's spelling of `name`: exact, or the only case-insensitive match. Otherwise a PlotlineError
 * naming it with the closest genres (or all of them when none is close).
 */
export function resolveGenre(name: string, genres: readonly string[]): string {
  if (genres.includes(name)) return name;
  const folded = genres.filter((g) => g.toLowerCase() === name.trim().toLowerCase());
  if (folded.length === 1) return folded[0];
  const close = closeGenres(name, genres);
  const hint = close.length > 0 ? `did you mean ${close.map((g) => `"${g}"`).join(', ')}?` : `the model's genres: ${genres.join(', ')}`;
  throw new PlotlineError(`unknown genre "${name}"; ${hint}`);
}

/**
 * Genres close to `name`, closest first: those containing it (or contained in it), those sharing a
 * word stem with it ("comedy" ~ "Comedies"), then those a few edits away (typos).
 */
export function closeGenres(name: string, genres: readonly string[], limit = 5): string[] {
  const wanted = name.trim().toLowerCase();
  if (wanted === '') return [];
  const wantedWords = words(wanted);
  const tolerance = Math.max(2, Math.floor(wanted.length / 3));
  return genres
    .map((genre) => {
      const g = genre.toLowerCase();
      const rank = g.includes(wanted) || wanted.includes(g) ? 0 : words(g).some((w) => wantedWords.some((v) => sharedPrefix(v, w) >= 4)) ? 1 : 2;
      return { genre, rank, distance: editDistance(wanted, g) };
    })
    .filter((s) => s.rank < 2 || s.distance <= tolerance)
    .sort((a, b) => a.rank - b.rank || a.distance - b.distance || a.genre.localeCompare(b.genre))
    .slice(0, limit)
    .map((s) => s.genre);
}

function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function signed(weight: number): string {
  if (Math.abs(weight) < NEGLIGIBLE) return ' 0.000';
  return `${weight > 0 ? '+' : '-'}${Math.abs(weight).toFixed(3)}`;
}

/** Punctuation and symbols around a word: not part of any token (src/text/tokenizer.ts), so not shown with it. */
const SURROUNDING = /^[^\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}]+$/gu;

/**
 * A word as the display shows it: without the punctuation around it ("love," -> "love", "(2019)" ->
 * "2019"), with its end offset moved to match; a word of punctuation only is shown whole. Display
 * only: the occlusion leaves out the whole whitespace-separated word, and its weight is unchanged.
 */
export function displayWord(word: { word: string; start: number; end: number }): { text: string; end: number } {
  const text = word.word.replace(SURROUNDING, '');
  if (text === '') return { text: word.word, end: word.end };
  const trailing = word.word.length - word.word.search(/[^\p{L}\p{M}\p{N}]*$/u);
  return { text, end: word.end - trailing };
}

/**
 *   Dramas  0.873  (predicted: threshold 0.420)
 *     a heartbreaking[+0.412] story of two brothers[-0.031] ...
 *     +0.412  heartbreaking  ##########
 *     -0.031  brothers       #
 *
 * @param predicted whether `predict` gives the text this genre (default: the score passes the
 *   threshold); true below the threshold for the at-least-one-genre stand-in, false for a genre the
 *   genre-set rules removed.
 */
export function formatExplanation(text: string, explanation: Explanation, threshold: number, predicted = explanation.score >= threshold): string {
  const { genre, score, words } = explanation;
  // A genre predict gives although it is below its threshold is the at-least-one-genre stand-in.
  const verdict = !predicted ? 'not predicted' : score >= threshold ? 'predicted' : 'predicted as the most probable genre, none passing its threshold';
  const lines = [`${genre}  ${score.toFixed(3)}  (${verdict}: threshold ${threshold.toFixed(3)})`];
  // Inline: the text as written, each word that moved the score followed by its weight (before any
  // punctuation that closes it: "love[+0.120],").
  let inline = '';
  let at = 0;
  for (const w of words) {
    const end = displayWord(w).end;
    inline += text.slice(at, end);
    if (Math.abs(w.weight) >= NEGLIGIBLE) inline += `[${signed(w.weight)}]`;
    at = end;
  }
  lines.push(`  ${inline}${text.slice(at)}`);
  const ranked = [...words].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.start - b.start);
  const largest = Math.abs(ranked[0]?.weight ?? 0);
  const width = Math.min(24, Math.max(...words.map((w) => displayWord(w).text.length)));
  for (const w of ranked) {
    const bar = largest >= NEGLIGIBLE ? '#'.repeat(Math.round((Math.abs(w.weight) / largest) * 20)) : '';
    lines.push(`  ${signed(w.weight)}  ${displayWord(w).text.padEnd(width)}  ${bar}`);
  }
  return lines.join('\n');
}
