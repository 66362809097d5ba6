/**
 * The options that say how to read a catalogue (`--text-column`, `--label-column`, `--id-column`,
 * `--label-separator`, `--format`) and which fields and genre-set rules a model uses (`--fields`,
 * `--family-field`, `--max-genres`, `--no-rules`, `--merge-labels`, `--threshold-objective`), shared by the commands that read
 * catalogues, and their translation into the data layer's options.
 */
import { Option, type Command } from 'commander';
import { LABEL_SEPARATORS, type LabelSeparator } from '../data/labels.js';
import { FILE_FORMATS, type FileFormat } from '../data/records.js';
import { mixedFieldListProblem, type ColumnOptions } from '../data/columns.js';
import type { CatalogueRequest } from '../training/train-catalogue.js';
import { THRESHOLD_OBJECTIVES, type ThresholdObjective } from '../evaluation/decision-thresholds.js';
import { positiveInteger } from './options.js';
import { UsageError } from './usage.js';

/** What commander gives for the reading options. */
export interface CatalogueReadFlags {
  textColumn?: string;
  labelColumn?: string;
  idColumn?: string;
  labelSeparator?: LabelSeparator;
  format?: FileFormat;
}

/** What commander gives for the model options of train and compare. */
export interface CatalogueModelFlags {
  fields?: string;
  familyField?: string;
  maxGenres?: number;
  rules?: boolean;
  mergeLabels?: boolean;
  thresholdObjective?: ThresholdObjective;
}

/** Adds the reading options; `labels` false leaves out the label options (predict). */
export function addReadOptions(command: Command, labels = true): Command {
  command
    .option('--text-column <name>', 'column with the text (default: detected: description, overview, plot, summary, synopsis, text)')
    .option('--id-column <name>', 'column with the title id (default: detected: show_id, id)')
    .addOption(new Option('--format <format>', 'file layout (default: by extension: .tsv, .jsonl/.ndjson, else CSV)').choices([...FILE_FORMATS]));
  if (labels) {
    command
      .option('--label-column <name>', 'column with the genres (default: detected: listed_in, genre, genres, labels, tags)')
      .addOption(new Option('--label-separator <sep>', 'what separates genres in a cell ("json": a JSON array in JSON Lines; default: detected, "," unless cells hold only "|" or ";")').choices([...LABEL_SEPARATORS]));
  }
  return command;
}

/** Adds the field and rule options of train and compare. */
export function addModelOptions(command: Command): Command {
  return command
    .option('--fields <list>', 'catalogue fields the model reads, comma-separated; "description" (alone) for none, "all" (alone) for every column (default: those of type, country, rating, duration, release_year, cast, director, title the file has)')
    .option('--family-field <name>', 'field whose values split the genres into families that never share a title (default: type, when the file has it; "none" for no families)')
    .option('--max-genres <n>', 'most genres per title, a positive integer (default: the most any training title has)', positiveInteger)
    .option('--no-rules', 'no genre-set rules (families, cap)')
    .addOption(
      new Option('--threshold-objective <objective>', 'what the decision thresholds are chosen for on validation: micro-F1, macro-F1, or their mean (rare genres count as much as common ones in macro-F1)')
        .choices([...THRESHOLD_OBJECTIVES])
        .default('mean'),
    )
    .option('--merge-labels', 'merge labels that differ only by case, apostrophe or spaces (default: an error listing them)', false);
}

export function columnOptions(flags: CatalogueReadFlags): ColumnOptions {
  return { textColumn: flags.textColumn, labelColumn: flags.labelColumn, idColumn: flags.idColumn, labelSeparator: flags.labelSeparator };
}

/**
 * The field and rule flags as the training step takes them, checked first (call it before reading
 * any data).
 *
 * @throws UsageError for flags that contradict each other: `--no-rules` with `--max-genres` or
 *   `--family-field` other than `none` (both are rules), a `--fields` list with no name in it (`--fields ""`),
 *   and one mixing `description` or `all` with field names (`--fields description,type`).
 */
export function catalogueRequest(flags: CatalogueModelFlags): CatalogueRequest {
  if (flags.rules === false) {
    const ruleFlags = [flags.maxGenres === undefined ? null : `--max-genres ${flags.maxGenres}`, flags.familyField === undefined || flags.familyField.trim().toLowerCase() === 'none' ? null : `--family-field ${flags.familyField}`].filter((f) => f !== null);
    if (ruleFlags.length > 0) {
      throw new UsageError(`--no-rules and ${ruleFlags.join(' and ')} conflict: --no-rules turns off every genre-set rule (families and the cap); give one or the other`);
    }
  }
  if (flags.fields !== undefined && flags.fields.split(',').every((f) => f.trim() === '')) {
    throw new UsageError(`--fields "${flags.fields}" is an empty list; name the fields (e.g. --fields type,country), or --fields description for the description-only model, or --fields all`);
  }
  // Checked again where the list meets the file (resolveFieldList), for compare's config; here before any data is read.
  const mixed = flags.fields === undefined ? null : mixedFieldListProblem(flags.fields.split(','));
  if (mixed !== null) throw new UsageError(mixed);
  return {
    fields: flags.fields === undefined ? undefined : flags.fields.split(','),
    familyField: flags.familyField,
    maxGenres: flags.maxGenres,
    rules: flags.rules,
    thresholdObjective: flags.thresholdObjective,
  };
}
