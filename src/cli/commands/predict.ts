/**
 * `plotline predict`: genres for texts given as arguments, or for every row of a CSV/JSONL file,
 * streamed in chunks (constant memory) to JSON Lines in input order, optionally on several worker
 * threads (`--workers`), with a progress bar on a terminal:
 *   {"id": ..., "genres": [...], "scores": {genre: probability, ...}}
 * (`--scores decided`: only the decided genres' scores; `--scores none`: no scores, see src/batch/score-choice.ts).
 * The output is written to a temporary file and renamed when complete (see src/batch/score-file.ts).
 */
import { openModel } from '../../models/open-model.js';
import type { GenrePrediction } from '../../models/classifier.js';
import type { EncoderLocationOptions } from '../options.js';
import type { BackendName } from '../../engine/backend.js';
import { PlotlineError } from '../../util/errors.js';
import { hasWords, noWordsMessage } from '../../text/tokenizer.js';
import { UsageError } from '../usage.js';
import { scoreFile } from '../../batch/score-file.js';
import { batchProgress } from '../../batch/progress.js';
import type { RowProblem } from '../../data/csv.js';
import { duplicateIdsWarning } from '../../batch/duplicate-ids.js';
import { blankIdsWarning } from '../../batch/blank-ids.js';
import { unknownFamiliesWarning, unknownFamilyValueWarning } from '../../batch/unknown-families.js';
import { fieldValueWarning, fieldValueWarnings } from '../../batch/field-value-problems.js';
import { columnOptions, type CatalogueReadFlags } from '../catalogue-options.js';
import { readManifest } from '../../models/storage.js';
import { inputColumns } from '../../data/prediction-input.js';
import { PRE_CATALOGUE_COLUMNS } from '../../data/columns.js';
import type { FieldValues, GenreModel } from '../../models/genre-model.js';
import { unknownFamilyValue, type GenreRules } from '../../models/genre-rules.js';
import { absentFieldsWarning, fieldlessCountWarning, fieldlessWarning } from '../fieldless-warning.js';
import { restrictScores, type ScoreChoice } from '../../batch/score-choice.js';

export interface PredictCommandOptions extends EncoderLocationOptions, CatalogueReadFlags {
  model: string;
  texts: string[];
  input?: string;
  output?: string;
  topK?: number;
  /** `--scores`: which genres' scores each JSON row holds (default all); the human-readable output lists the top k as before. */
  scores?: ScoreChoice;
  threshold?: number;
  json: boolean;
  onError: 'skip' | 'fail';
  backend: BackendName;
  quiet: boolean;
  /** Worker threads for --input (default 1: no workers). */
  workers?: number;
  /** Redis URL: score --input on `plotline worker` processes through this BullMQ queue. */
  queue?: string;
  queueName?: string;
  shardSize?: number;
  attempts?: number;
  /** `--field name=value` for texts given as arguments. */
  field?: string[];
  /** The embedding cache of use/onnx models (`--cache-dir`); `cache: false` (--no-cache) embeds every text. */
  cacheDir?: string;
  cache?: boolean;
}

/** The embedding cache folder predict uses for use/onnx models: --cache-dir unless --no-cache. */
function embeddingCacheOf(options: PredictCommandOptions): string | null {
  return options.cache === false || options.cacheDir === undefined ? null : options.cacheDir;
}

const warn = (message: string): void => {
  process.stderr.write(`warning: ${message}\n`);
};

/**
 * Parses `--field name=value` options into one field set for every text given as an argument.
 *
 * @throws UsageError for an entry without "=", or a field given twice.
 * @throws PlotlineError for a field the model does not read (listing those it does).
 */
export function parseFieldOptions(entries: readonly string[], known: readonly string[]): FieldValues | undefined {
  if (entries.length === 0) return undefined;
  const fields: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`--field expects name=value, e.g. --field type="TV Show"; got "${entry}"`);
    const name = entry.slice(0, at).trim().toLowerCase();
    if (!known.includes(name)) {
      throw new PlotlineError(`--field ${name}: this model reads ${known.length === 0 ? 'no catalogue fields (it was trained on the description only)' : `only ${known.join(', ')}`}`);
    }
    if (name in fields) throw new UsageError(`--field ${name} is given twice ("${fields[name]}" and "${entry.slice(at + 1).trim()}"); give each field once`);
    fields[name] = entry.slice(at + 1).trim();
  }
  return fields;
}

/**
 * A warning when `--field` gives the family field a value the model's rules do not know (e.g.
 * type="Cartoon" for a model whose families are Movie and TV Show), or null. Such a title is scored
 * as if the field were missing: its family is chosen by the rules' unknown-family rule.
 */
export function unknownFamilyWarning(fields: FieldValues | undefined, rules: GenreRules | null): string | null {
  const value = unknownFamilyValue(rules, fields);
  if (value === null || rules === null || rules.familyField === null) return null;
  return unknownFamilyValueWarning(rules, rules.familyField, value, `--field ${rules.familyField}`);
}

/** One warning per `--field` value the model reads as missing: not a number where one is read (year=abc), or out of range (a year of 99999999999999999999). */
export function outOfRangeFieldWarnings(model: Pick<GenreModel, 'fieldValueProblems'>, fields: FieldValues | undefined): string[] {
  // In the order the --field flags gave the values (the model reports them in its own field order).
  const given = Object.keys(fields ?? {});
  const problems = [...model.fieldValueProblems(fields)].sort((a, b) => given.indexOf(a.field) - given.indexOf(b.field));
  return problems.map((problem) => fieldValueWarning(problem, `--field ${problem.field}`));
}

/**
 * Every warning about the `--field` values of texts given as arguments (predict and explain): a family
 * value the rules do not know, values out of range, and no field at all for a model that reads fields.
 */
export function fieldOptionWarnings(model: Pick<GenreModel, 'fieldValueProblems' | 'rules' | 'inputFields' | 'readsFieldsOf'>, fields: FieldValues | undefined): string[] {
  const unknown = unknownFamilyWarning(fields, model.rules);
  const fieldless = fieldlessWarning(model.inputFields, [fields], 'on the command line', (f) => model.readsFieldsOf(f));
  return [...(unknown === null ? [] : [unknown]), ...outOfRangeFieldWarnings(model, fields), ...(fieldless === null ? [] : [fieldless])];
}

export async function predictCommand(options: PredictCommandOptions): Promise<void> {
  if (options.input === undefined && options.texts.length === 0) {
    throw new UsageError('give a description to classify, or --input FILE (CSV with a description column, or JSON Lines)');
  }
  if (options.input !== undefined && options.texts.length > 0) throw new UsageError('give either descriptions or --input, not both');
  if (options.input !== undefined && (options.field ?? []).length > 0) throw new UsageError('--field is for descriptions given as arguments; an --input file carries its fields as columns');
  if (options.input === undefined) {
    if (options.output !== undefined) throw new UsageError('--output is for --input FILE; descriptions given as arguments are printed');
    if (!options.json && (options.scores ?? 'all') !== 'all') throw new UsageError('--scores is for JSON output: --json, or --input FILE (the human-readable answer lists the top genres with their scores)');
    if (options.textColumn !== undefined || options.idColumn !== undefined || options.format !== undefined) {
      throw new UsageError('--text-column, --id-column and --format are for --input FILE');
    }
    // The one rule for token-less texts (src/text/tokenizer.ts), checked before the model loads.
    options.texts.forEach((text, i) => {
      if (!hasWords(text)) throw new PlotlineError(noWordsMessage(options.texts.length === 1 ? 'the description' : `description ${i + 1} (of ${options.texts.length})`, text));
    });
    const { classifier } = await openModel(options.model, {
      backend: options.backend,
      startBackend: 'if-needed',
      encoder: { override: options.encoder, allowDownload: options.allowDownload },
      embeddingCache: embeddingCacheOf(options),
      onWarning: warn,
    });
    // Disposed before printing: an encoder + head model's worker threads would keep the process alive.
    let fields: FieldValues | undefined;
    try {
      fields = parseFieldOptions(options.field ?? [], classifier.inputFields);
      for (const warning of fieldOptionWarnings(classifier, fields)) warn(warning);
    } catch (error) {
      await classifier.dispose();
      throw error;
    }
    const rules = classifier.rules;
    const predictions = await classifier
      .predict(options.texts, { thresholds: options.threshold, topK: options.topK ?? (options.json ? undefined : 5), fields: options.texts.map(() => fields) })
      .finally(() => classifier.dispose());
    if (options.json) {
      for (const [i, p] of predictions.entries()) process.stdout.write(JSON.stringify({ id: i + 1, ...restrictScores(p, options.scores ?? 'all') }) + '\n');
    } else {
      for (const [i, p] of predictions.entries()) process.stdout.write(describe(options.texts[i], p, options.topK ?? 5, rules) + '\n');
    }
    return;
  }
  const absentFields = await reportInputColumns(options.model, options.input, options);
  if (options.queue !== undefined) {
    await predictOnQueue({ ...options, input: options.input, queue: options.queue }, absentFields);
    return;
  }
  if (options.shardSize !== undefined || options.queueName !== undefined || options.attempts !== undefined) {
    throw new PlotlineError('--shard-size, --queue-name and --attempts are for --queue');
  }
  const progress = batchProgress({ input: options.input, quiet: options.quiet });
  let result;
  try {
    result = await scoreFile({
      model: options.model,
      input: options.input,
      output: options.output,
      workers: options.workers ?? 1,
      onError: options.onError,
      thresholds: options.threshold,
      topK: options.topK,
      scores: options.scores,
      backend: options.backend,
      encoder: { override: options.encoder, allowDownload: options.allowDownload },
      embeddingCache: embeddingCacheOf(options),
      onWarning: warn,
      progress,
      columns: columnOptions(options),
      format: options.format,
    });
  } finally {
    progress.stop();
  }
  if (absentFields !== null) warn(absentFields);
  reportInputWarnings(result, options.input);
  reportSkipped(result.skipped, result.problems, options.quiet);
}

/**
 * `predict --input F --output O --queue URL`: shards on a BullMQ queue, scored by `plotline worker`s.
 * `absentFields`: the warning about fields the file has no column for, said after the run as the row warnings are.
 */
async function predictOnQueue(options: PredictCommandOptions & { input: string; queue: string }, absentFields: string | null): Promise<void> {
  // BullMQ and ioredis (~0.2 s of a core to import) only for --queue, not for every predict.
  const [{ scoreFileOnQueue }, { parseRedisUrl }, { shardProgress }] = await Promise.all([
    import('../../distributed/coordinator.js'),
    import('../../distributed/redis-connection.js'),
    import('../../distributed/shard-progress.js'),
  ]);
  const queue = parseRedisUrl(options.queue);
  if (options.output === undefined) throw new PlotlineError('--queue needs --output FILE (on storage the workers share, like --input)');
  if (options.workers !== undefined && options.workers !== 1) throw new PlotlineError('--workers is for scoring on this machine; with --queue, start `plotline worker` processes instead');
  const progress = shardProgress({ quiet: options.quiet });
  // Ctrl-C / SIGTERM: take this run's shards off the queue and remove its files before exiting.
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result;
  try {
    result = await scoreFileOnQueue({
      model: options.model,
      input: options.input,
      output: options.output,
      queue,
      queueName: options.queueName,
      shardSize: options.shardSize,
      attempts: options.attempts,
      onError: options.onError,
      thresholds: options.threshold,
      topK: options.topK,
      scores: options.scores,
      progress,
      signal: interrupted.signal,
      columns: columnOptions(options),
      format: options.format,
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (absentFields !== null) warn(absentFields);
  reportInputWarnings(result, options.input);
  reportSkipped(result.skipped, result.problems, options.quiet);
}

/**
 * Says on stderr which columns of `--input` are read when they were detected where the file's layout
 * differs from the training file's (a model saved without a mapping read PRE_CATALOGUE_COLUMNS)
 * (`column text: overview (detected; the model was trained with column "description")`), as `train`
 * says what it detected. Printed even with --quiet: a column read other than the model was trained on
 * changes every answer. A model or file that cannot be read is left to the run itself, whose error names it.
 * Returns the warning for fields the model reads that the file has no column for (absentFieldsWarning),
 * or null, for the caller to give once the run has succeeded, beside the row warnings (a failed run
 * says only its error).
 */
async function reportInputColumns(model: string, input: string, flags: CatalogueReadFlags): Promise<string | null> {
  let fields: readonly string[];
  let columns: Awaited<ReturnType<typeof inputColumns>>;
  try {
    const catalogue = (await readManifest(model)).catalogue;
    fields = catalogue?.fields ?? [];
    columns = await inputColumns(input, fields, { columns: columnOptions(flags), saved: catalogue?.columns ?? PRE_CATALOGUE_COLUMNS, format: flags.format });
  } catch {
    return null;
  }
  for (const line of columns.picked) process.stderr.write(`column ${line}\n`);
  return absentFieldsWarning(fields, columns.absentFields, input);
}

/** The warnings about an input file's rows, the same for `--input` on this machine and on a queue. */
function reportInputWarnings(
  result: Pick<Awaited<ReturnType<typeof scoreFile>>, 'duplicateIds' | 'blankIds' | 'unknownFamilies' | 'rules' | 'fieldValues' | 'fields' | 'fieldless'>,
  input: string,
): void {
  const repeated = duplicateIdsWarning(result.duplicateIds, input);
  if (repeated !== null) warn(repeated);
  const blank = blankIdsWarning(result.blankIds, input);
  if (blank !== null) warn(blank);
  const families = unknownFamiliesWarning(result.unknownFamilies, result.rules, input);
  if (families !== null) warn(families);
  for (const warning of fieldValueWarnings(result.fieldValues, input)) warn(warning);
  const fieldless = fieldlessCountWarning(result.fields, result.fieldless.count, result.fieldless.rows, `in ${input}`, result.fieldless.unusable);
  if (fieldless !== null) warn(fieldless);
}

function reportSkipped(skipped: number, problems: RowProblem[], quiet: boolean): void {
  if (skipped === 0) return;
  // Even with --quiet a skipped row is never silent: one line with the count and the first one's place.
  if (quiet) {
    const first = problems[0];
    process.stderr.write(`skipped ${skipped} malformed row(s), the first at ${first.file}, line ${first.line}\n`);
    return;
  }
  process.stderr.write(`skipped ${skipped} malformed row(s):\n`);
  for (const p of problems) process.stderr.write(`  ${p.file}, line ${p.line}, field "${p.field}": ${p.message}\n`);
  if (skipped > problems.length) process.stderr.write(`  ... and ${skipped - problems.length} more\n`);
}

/**
 * The human-readable answer: the genres, what the rules removed and why (the other family's genres,
 * or over the cap), then the top-k scores.
 */
export function describe(text: string, prediction: GenrePrediction, topK: number, rules: GenreRules | null = null): string {
  // The model's ranking (genres the rules set to 0 ordered by their scores before the rules).
  const top = prediction.top ?? Object.entries(prediction.scores).map(([genre, score]) => ({ genre, score })).sort((a, b) => b.score - a.score);
  const ranked = top.slice(0, topK).map(({ genre, score }) => `  ${prediction.genres.includes(genre) ? '*' : ' '} ${score.toFixed(3)}  ${genre}`);
  const lines = [`${text}`, `  genres: ${prediction.genres.join(', ')}`];
  const removed = removedByRules(prediction, rules);
  if (removed !== null) lines.push(`  ${removed}`);
  return [...lines, ...ranked].join('\n');
}

/**
 * The line saying which genres passed their threshold on the model's scores but were taken out by the
 * genre rules, and why each (another family's, with how the family was known; or over the cap), e.g.
 * `removed by the genre rules: Kids' TV (not Movie genres; type given); Dramas (over the cap of 3 genres)`;
 * null when the rules removed nothing. Shared by `predict` and `explain`.
 */
export function removedByRules(prediction: Pick<GenrePrediction, 'removed' | 'family'>, rules: GenreRules | null): string | null {
  if (prediction.removed === undefined) return null;
  const held = prediction.family === undefined ? undefined : rules?.families.find((f) => f.value === prediction.family!.value);
  const otherFamily = held === undefined ? [] : prediction.removed.filter((g) => !held.genres.includes(g) && rules!.families.some((f) => f.genres.includes(g)));
  const overCap = prediction.removed.filter((g) => !otherFamily.includes(g));
  const how = prediction.family?.given === true ? 'given' : 'chosen by the scores';
  const parts = [
    ...(otherFamily.length > 0 ? [`${otherFamily.join(', ')} (not ${prediction.family!.value} genres; ${rules!.familyField} ${how})`] : []),
    ...(overCap.length > 0 ? [`${overCap.join(', ')} (${rules?.maxGenres != null ? `over the cap of ${rules.maxGenres} genre${rules.maxGenres === 1 ? "" : "s"}` : 'by the rules'})`] : []),
  ];
  return `removed by the genre rules: ${parts.join('; ')}`;
}
