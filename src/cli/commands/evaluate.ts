/**
 * `plotline evaluate`: scores a saved model on labelled data. With --split, the split's test fold
 * (the honest number); without, every row (e.g. a later catalogue release). Genres in the data that
 * the model does not know are reported; the metrics cover the model's genres only.
 */
import { describeThresholds } from '../../models/thresholds.js';
import { readTitles } from '../../data/titles.js';
import { PRE_CATALOGUE_COLUMNS } from '../../data/columns.js';
import { selectSplit } from '../../data/select-split.js';
import { GenreVocabulary } from '../../data/genres.js';
import { readManifest } from '../../models/storage.js';
import { openModel } from '../../models/open-model.js';
import { evaluateScores, summarise } from '../../evaluation/evaluate-scores.js';
import { formatMetricsTable } from '../../evaluation/format.js';
import type { EncoderLocationOptions } from '../options.js';
import type { BackendName } from '../../engine/backend.js';
import { columnOptions, type CatalogueReadFlags } from '../catalogue-options.js';
import { heldOutTitles, trainingOverlap } from '../training-overlap.js';
import { UsageError } from '../usage.js';
import { absentFieldsWarning, fieldlessWarning } from '../fieldless-warning.js';
import { fieldValueWarnings, watchFieldValues } from '../../batch/field-value-problems.js';
import { unknownFamiliesWarning, watchUnknownFamilies } from '../../batch/unknown-families.js';
import { resolveDataOption } from '../data-option.js';

export interface EvaluateCommandOptions extends EncoderLocationOptions, CatalogueReadFlags {
  model: string;
  data: string;
  split?: string;
  fold: 'test' | 'train' | 'all';
  threshold?: number;
  perGenre: boolean;
  json: boolean;
  /** Merge lookalike labels (case, apostrophes, spaces) instead of refusing them, as train does. */
  mergeLabels?: boolean;
  seed: number;
  backend: BackendName;
  /** Where named datasets (`--data netflix`) are kept. */
  cacheDir: string;
  /** Score only the titles the model was not trained on (its split's test fold), known from its split file or seed. */
  heldOut?: boolean;
}

export async function evaluateCommand(options: EvaluateCommandOptions): Promise<void> {
  // Read first: the manifest (a bad model fails before the data is read) ...
  const saved = await readManifest(options.model);
  options = { ...options, ...(await resolveDataOption(options.data, options.split, options)) };
  if (options.split === undefined && options.fold === 'train') throw new UsageError('--fold train needs --split (a named dataset brings its standard split); without one every row is evaluated');
  // ... read as the model's training file was (its columns), unless flags say otherwise ...
  // ... with --merge-labels, lookalike spellings are merged into the model's genre names, and each merge is said.
  const { titles, warnings, picked, mapping, fieldNames } = await readTitles(options.data, {
    requireGenres: true,
    columns: columnOptions(options),
    saved: saved.catalogue?.columns ?? PRE_CATALOGUE_COLUMNS,
    format: options.format,
    mergeLabels: options.mergeLabels,
    preferredLabels: saved.genres,
  });
  // Which columns were detected where the file's layout differs from the training file's (as train says what it detected).
  for (const line of picked) process.stderr.write(`column ${line}\n`);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const chosen = options.split !== undefined && options.fold !== 'all' ? await selectSplit(titles, options.split, options.fold, options.data, mapping.id) : titles;
  // A file without an id column numbers its rows: those numbers match no split file's ids.
  const rowNumberIds = mapping.id === null;
  const selected = options.heldOut === true ? await heldOutTitles(saved, options.data, chosen, rowNumberIds) : chosen;
  // Scoring the model's own training rows looks like a test score and is not: say so.
  const overlap = await trainingOverlap(saved, options.data, selected, rowNumberIds);
  if (overlap !== null) process.stderr.write(`warning: ${overlap.message}\n`);
  // ... then the model, disposed once scored: an encoder + head model's worker threads would keep the process alive.
  const { classifier, manifest } = await openModel(options.model, { backend: options.backend, startBackend: 'if-needed', encoder: { override: options.encoder, allowDownload: options.allowDownload } });
  // Titles the model reads nothing from (no field, or only values it drops) are scored from the description alone.
  const modelFields = saved.catalogue?.fields ?? [];
  const absent = absentFieldsWarning(modelFields, modelFields.filter((f) => !fieldNames.includes(f)), options.data);
  if (absent !== null) process.stderr.write(`warning: ${absent}\n`);
  // The same per-file warnings as `predict --input`: family values the rules do not know, numbers the model cannot use.
  const values = watchFieldValues(selected, (f) => classifier.fieldValueProblems(f));
  const families = watchUnknownFamilies(values.rows, classifier.rules);
  for await (const _title of families.rows);
  const unknownFamilies = unknownFamiliesWarning(families.found, classifier.rules, options.data);
  for (const warning of [...(unknownFamilies === null ? [] : [unknownFamilies]), ...fieldValueWarnings(values.found, options.data)]) process.stderr.write(`warning: ${warning}\n`);
  const fieldless = fieldlessWarning(modelFields, selected.map((t) => t.fields), `in ${options.data}`, (f) => classifier.readsFieldsOf(f));
  if (fieldless !== null) process.stderr.write(`warning: ${fieldless}\n`);
  const genres = GenreVocabulary.fromJSON([...classifier.genres]);
  const { targets, unknown } = genres.encodeAll(selected);
  // The cap chooses among the genres that pass the thresholds decided with, so they are given first.
  const thresholds = options.threshold ?? classifier.activeThresholds();
  const scored = await classifier
    .scoreWithRules(
      selected.map((t) => t.description),
      selected.map((t) => t.fields),
      thresholds,
    )
    .finally(() => classifier.dispose());
  // At 0.5: the rules as a global threshold of 0.5 applies them (the cap keeping the most probable).
  const atAnyGlobal = classifier.constrainForGlobalThresholds(scored.raw, selected.map((t) => t.fields));
  const evaluation = evaluateScores(targets, scored.scores, classifier.genres, thresholds, options.seed, scored.raw, atAnyGlobal);
  // Rows with no label the model knows score as misses: say so loudly when many do (another label
  // column, separator or catalogue), rather than print a low score as if it were the model's.
  const k = genres.size;
  let unlabelled = 0;
  for (let i = 0; i < selected.length; i++) if (!targets.subarray(i * k, (i + 1) * k).some((v) => v > 0)) unlabelled += 1;
  if (unlabelled > 0 && unknown.size > 0) {
    const examples = [...unknown.keys()].slice(0, 3).map((g) => JSON.stringify(g)).join(', ');
    process.stderr.write(
      `warning: ${unlabelled} of ${selected.length} titles have no genre this model knows (labels such as ${examples}); check --label-column and --label-separator\n`,
    );
  }
  const unknownGenres = Object.fromEntries([...unknown.entries()].sort((a, b) => b[1] - a[1]));
  if (options.json) {
    process.stdout.write(
      JSON.stringify({
        model: options.model,
        kind: manifest.kind,
        data: options.data,
        fold: options.split === undefined ? 'all' : options.fold,
        // A --threshold override, or the saved thresholds (mode, global, perGenre, priorShift, objective).
        thresholds: options.threshold ?? classifier.thresholds,
        metrics: summarise(evaluation),
        perGenre: evaluation.tuned.perGenre,
        unknownGenres,
        trainingRows: overlap === null ? 0 : overlap.rows,
      }) + '\n',
    );
    return;
  }
  const where = (options.split === undefined || options.fold === 'all' ? 'every row' : `the ${options.fold} fold of ${options.split}`) + (options.heldOut === true ? ' the model was not trained on' : '');
  const out: string[] = [
    `${manifest.kind} model ${options.model} on ${selected.length} titles (${where}) of ${options.data}`,
    `thresholds: ${options.threshold !== undefined ? `${options.threshold.toFixed(2)} for every genre (--threshold)` : describeThresholds(classifier.thresholds)}`,
    '',
    formatMetricsTable(evaluation.tuned, { perGenre: options.perGenre }),
    '',
    `micro F1 95% bootstrap interval: ${evaluation.microF1Interval.low.toFixed(3)}-${evaluation.microF1Interval.high.toFixed(3)}`,
    `at threshold 0.5: micro F1 ${evaluation.atHalf.microF1.toFixed(3)}, macro F1 ${evaluation.atHalf.macroF1.toFixed(3)}`,
  ];
  if (unknown.size > 0) {
    out.push(
      '',
      `genres the model does not know (${unknown.size}; not scored, the metrics cover the model's genres): ` +
        Object.entries(unknownGenres)
          .map(([g, n]) => `${g} (${n})`)
          .join(', '),
    );
  }
  process.stdout.write(out.join('\n') + '\n');
}
