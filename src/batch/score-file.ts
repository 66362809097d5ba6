/**
 * `predict --input`: streams a CSV / JSON Lines file through the model to JSON Lines, in input order,
 * in constant memory. Rows are read on the main thread and grouped into chunks; chunks are scored
 * in-process (one worker) or by a pool of worker threads, at most two per worker in flight, and written
 * in input order. From SLICED_FROM_WORKERS workers on, a UTF-8 CSV is instead cut into slices of whole
 * records (../data/csv-slices.ts) that the worker threads decode, parse and score themselves (for a
 * saved bag from 2 workers on); with one worker a saved bag reads a UTF-8 CSV in the same slices on this
 * thread (each parsed in one call, cheaper than the stream). The chunking does not depend on the number of workers, so neither do the bytes
 * written. Output goes to a temporary sibling file (`.OUT.tmp-<pid>-<hex>`), fsynced and renamed into
 * place when complete, then the folder is fsynced: a failed or killed run leaves the previous file (or
 * none), never a partial one; on SIGINT/SIGTERM the temporary file is removed at once and the process
 * exits 130/143 (util/signal-cleanup.ts), and those of runs killed otherwise (SIGKILL) are removed by the
 * next run that writes beside them (util/stale-temporaries.ts).
 */
import { open, rm } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { readPredictionInput, type PredictionInputRow } from '../data/prediction-input.js';
import { assertReadableFile, countLineBreaks, problemError, type RowProblem } from '../data/csv.js';
import { openCsvSlices, type CsvSlice } from '../data/csv-slices.js';
import { fileFormatOf } from '../data/records.js';
import { readFieldChecks, readManifest, type EncoderLocation } from '../models/storage.js';
import type { Manifest } from '../models/manifest.js';
import { openModel } from '../models/open-model.js';
import { LinearBagModel } from '../models/bag/linear-bag-model.js';
import { scoresWithoutBackend } from '../models/kind-loaders.js';
import { NgramVectorizer } from '../models/vectorizers/ngram-vectorizer.js';
import type { FieldValues, GenreModel } from '../models/genre-model.js';
import type { GenreRules } from '../models/genre-rules.js';
import type { ColumnOptions } from '../data/columns.js';
import type { FileFormat } from '../data/records.js';
import type { BackendName } from '../engine/backend.js';
import { assertNotSameFile } from '../util/same-file.js';
import { cannotWriteOutput } from '../util/write-error.js';
import { PlotlineError } from '../util/errors.js';
import { temporarySibling } from '../util/temporary-path.js';
import { renameDurably } from '../util/atomic-write.js';
import { faultPoint } from '../util/fault-injection.js';
import { removeStaleTemporaries } from '../util/stale-temporaries.js';
import { removeOnSignal } from '../util/signal-cleanup.js';
import { formatPredictionBytes } from './format.js';
import { mapInOrder } from './ordered.js';
import { duplicateIdCounter, type DuplicateIds } from './duplicate-ids.js';
import { blankIdCounter, type BlankIds } from './blank-ids.js';
import { formatWith, scoreSlice, sentError } from './score-slice.js';
import type { UnknownFamilies } from './unknown-families.js';
import type { FieldlessRows } from './fieldless-rows.js';
import type { FieldValueProblems } from './field-value-problems.js';
import { watchInputRows } from './input-checks.js';
import type { ScoringPool } from './scoring-pool.js';
import { importLazily } from '../util/import-lazily.js';
import type { BatchProgress } from './progress.js';
import type { SharedLinearBag, SliceRequest, SliceResult } from './protocol.js';
import type { ScoreChoice } from './score-choice.js';

/** Rows per chunk: one message to a worker, one forward pass group. */
export const CHUNK_ROWS = 1024;
/**
 * Bytes per slice when worker threads read a CSV input themselves (~1,300 catalogue descriptions). Like
 * CHUNK_ROWS it does not depend on the number of workers (and the bytes written depend on neither).
 */
export const SLICE_BYTES = 256 * 1024;
/**
 * Worker threads from which they read a CSV input themselves, for a model each worker loads on its own.
 * With fewer, this thread reads and parses while the workers score. A saved bag, shared with the
 * workers, has them read from 2 on: on this project's 2-core machine (shared with other jobs, load 4.6-5.2,
 * the built CLI, 60,000 rows) that took 3.1-3.4 s wall against 3.2-3.9 with this thread parsing the
 * same slices, at the same CPU seconds (3.0-3.3).
 */
export const SLICED_FROM_WORKERS = 3;
/** Chunks in flight per worker: one being scored, one waiting, so a worker never idles on the main thread. */
const IN_FLIGHT_PER_WORKER = 2;
/** Skipped rows kept for the report (all are counted). */
const KEPT_PROBLEMS = 20;

export interface ScoreFileOptions {
  model: string;
  input: string;
  /** JSON Lines file to write; default stdout. */
  output?: string;
  /** Worker threads (default 1: score on the main thread, no workers). */
  workers?: number;
  onError?: 'skip' | 'fail';
  thresholds?: number;
  topK?: number;
  /** Which genres' scores each output row holds (`--scores`, score-choice.ts; default all). */
  scores?: ScoreChoice;
  backend?: BackendName;
  /** For a use/onnx model: where its encoder is, if not where it was trained from. */
  encoder?: EncoderLocation;
  /** For a use/onnx model: the embedding cache folder (texts embedded before are not embedded again); null or absent: none. */
  embeddingCache?: string | null;
  /** A cache that cannot be used: scoring goes on without it. */
  onWarning?: (message: string) => void;
  progress?: BatchProgress;
  /** Rows per chunk (tests use small chunks). */
  chunkRows?: number;
  /** Bytes per slice when the workers read a CSV input themselves (default SLICE_BYTES; tests use small slices). */
  sliceBytes?: number;
  /** For workers = 1: an already loaded classifier instead of loading `model`. */
  classifier?: GenreModel;
  /** Column flags for the input (`--text-column`, `--id-column`); the model's saved mapping comes next. */
  columns?: ColumnOptions;
  format?: FileFormat;
}

export interface ScoreFileResult {
  rows: number;
  skipped: number;
  /** The first skipped rows, in input order. */
  problems: RowProblem[];
  /** Rows whose id repeats an earlier row's (all rows are scored anyway). */
  duplicateIds: DuplicateIds;
  /** Rows of a file with an id column whose id was blank (written with their row numbers as ids). */
  blankIds: BlankIds;
  /** Rows whose family field has a value the model's genre rules do not know (scored as unknown family). */
  unknownFamilies: UnknownFamilies;
  /** Per field: rows whose value was out of range and read as missing (the first one's line and value). */
  fieldValues: FieldValueProblems;
  /** The model's genre rules (null: none), for the warning about unknown family values. */
  rules: GenreRules | null;
  /** Rows the model reads nothing from (none of its fields, or only values it drops: scored from the description alone), of the rows read; 0 of 0 for a description-only model. */
  fieldless: FieldlessRows;
  /** The fields the model reads (empty: description only). */
  fields: string[];
  seconds: number;
}

interface Chunk {
  ids: string[];
  texts: string[];
  /** Present when the model reads catalogue fields. */
  fields?: FieldValues[];
  lastLine: number;
}

export async function scoreFile(options: ScoreFileOptions): Promise<ScoreFileResult> {
  const workers = options.workers ?? 1;
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const onError = options.onError ?? 'fail';
  const backend = options.backend ?? 'wasm';
  const decide = { thresholds: options.thresholds, topK: options.topK, scores: options.scores };
  if (!Number.isInteger(workers) || workers < 1) throw new PlotlineError(`--workers must be a whole number >= 1, got ${workers}`);
  await assertReadableFile(options.input);
  if (options.output !== undefined) await assertNotSameFile(options.input, options.output, { inputOption: '--input', outputOption: '--output' });
  const started = performance.now();

  const problems: RowProblem[] = [];
  let skipped = 0;
  let rows = 0;
  let duplicateIds: DuplicateIds = { count: 0, first: null, limitReached: false };
  let blankIds: BlankIds = { count: 0, lines: [], column: null };
  let unknownFamilies: UnknownFamilies = { count: 0, lines: [], values: [] };
  let fieldless: FieldlessRows = { count: 0, rows: 0, unusable: 0 };
  let modelFields: string[] = [];
  let rules: GenreRules | null = null;
  let fieldValues: FieldValueProblems = new Map();
  let pool: ScoringPool | null = null;
  /** A model this call loaded itself (not one the caller passed in), disposed at the end. */
  let loaded: GenreModel | null = null;
  let closeSlices: (() => Promise<void>) | null = null;
  const sink = await openSink(options.output);
  try {
    // The input is read as the model was trained to read (its saved columns and fields).
    const manifest = options.classifier === undefined ? await readManifest(options.model) : undefined;
    const catalogue = manifest?.catalogue;
    // A saved bag (its collapsed linear form) is plain arrays: no tfjs backend to start.
    const linearBag = manifest !== undefined && isLinearBag(manifest);
    let job: (chunk: Chunk) => Promise<Uint8Array | string>;
    /** Reads, scores and writes one slice of a CSV input: on a worker thread, or here with one worker. */
    let sliceJob: ((request: SliceRequest) => Promise<SliceResult>) | null = null;
    /** Out-of-range field values of a row (the model reads them as missing), checked as rows are read. */
    let checkFields: ((fields: FieldValues | undefined) => ReturnType<GenreModel['fieldValueProblems']>) | null = null;
    /** Whether the model reads anything from a row's fields (rows with only unusable values are scored from the text alone). */
    let readsFields: ((fields: FieldValues | undefined) => boolean) | null = null;
    if (workers === 1) {
      let classifier = options.classifier;
      if (classifier === undefined) {
        // A saved bag (its collapsed linear form, with or without a field model) is plain arrays: no tfjs
        // backend to start (openModel's startBackend 'if-needed').
        classifier = (await openModel(options.model, { backend, startBackend: 'if-needed', encoder: options.encoder, embeddingCache: options.embeddingCache, onWarning: options.onWarning })).classifier;
        loaded = classifier;
      }
      const c = classifier;
      checkFields = (fields) => c.fieldValueProblems(fields);
      readsFields = (fields) => c.readsFieldsOf(fields);
      job = (chunk) => formatPredictionBytes(c, chunk.ids, chunk.texts, { ...decide, fields: chunk.fields });
      // A bag reads a CSV input in slices here too (parsed in one call each, see ../data/csv.ts): cheaper
      // than the streamed read, with the same bytes out (its scores do not depend on how rows are grouped).
      if (c instanceof LinearBagModel) {
        const format = formatWith(c, decide);
        sliceJob = (request) => scoreSlice(request, format);
      }
    } else {
      // piscina (~25 ms of a core to import) only when there are worker threads.
      const { ScoringPool } = await importLazily(() => import('./scoring-pool.js'), './scoring-pool.js', import.meta.url);
      const data = { model: options.model, backend, thresholds: options.thresholds, topK: options.topK, scores: options.scores, encoder: options.encoder, embeddingCache: options.embeddingCache };
      // A bag is loaded and verified once, here, and shared with the workers, which then need neither
      // the folder nor tfjs; the threads start up meanwhile and get it with each request. Other models
      // are loaded by each worker.
      let shared: SharedLinearBag | undefined;
      if (linearBag) {
        const starting = ScoringPool.start(workers, { ...data, bagInRequests: true });
        try {
          const bag = (await openModel(options.model, { backend: null })).classifier;
          loaded = bag;
          shared = shareLinearBag(bag);
        } catch (error) {
          await starting.then((started) => started.close(), () => {});
          throw error;
        }
        pool = await starting;
      } else {
        pool = await ScoringPool.start(workers, data);
      }
      // The workers hold the model; the rows are read here, so the saved field vectorizers check them here.
      const fieldChecks = linearBag ? null : await readFieldChecks(options.model);
      checkFields = fieldChecks?.values ?? null;
      readsFields = fieldChecks?.uses ?? null;
      const p = pool;
      const bag = shared;
      job = (chunk) => p.score(chunk.ids, chunk.texts, chunk.fields, bag);
      // A shared bag's workers read slices from 2 workers on (its scores do not depend on how rows are
      // grouped, and the workers have no model to load, so reading is what they warm up).
      if (workers >= SLICED_FROM_WORKERS || shared !== undefined) sliceJob = (request) => p.scoreSlice({ ...request, linearBag: bag });
    }
    const fields = options.classifier?.inputFields ?? catalogue?.fields ?? [];
    rules = options.classifier?.rules ?? catalogue?.rules ?? null;
    // With SLICED_FROM_WORKERS or more worker threads and a UTF-8 CSV, the threads read the file too:
    // this thread only cuts it into slices of whole records (csv-slices.ts) and writes what comes back.
    // Only for a model that reads no catalogue fields: the field and family checks below read rows here.
    const sliceable = sliceJob !== null && fields.length === 0 && fileFormatOf(options.input, options.format) === 'csv';
    // (A file that cannot be opened here is left to the reader below, whose error names it.)
    const slices = sliceable ? await openCsvSlices(options.input, options.sliceBytes ?? SLICE_BYTES).catch(() => null) : null;
    if (slices !== null) {
      closeSlices = slices.close;
      const scoreOne = sliceJob!;
      const reading = { file: options.input, columns: options.columns, saved: catalogue?.columns, fields: [...fields] };
      // The header alone, read first: a missing column or a file in another layout fails here, before any slice.
      const headerOnly = { text: slices.header, lineShift: 0, rowShift: 0 };
      for await (const row of readPredictionInput(options.input, { ...reading, format: 'csv', slice: headerOnly })) void row;
      const ids = duplicateIdCounter();
      duplicateIds = ids.found;
      const blank = blankIdCounter();
      blankIds = blank.found;
      let records = 0;
      const headerLines = countLineBreaks(slices.header);
      await mapInOrder(
        slices.slices,
        (slice: CsvSlice) =>
          scoreOne({
            slice: { header: slices.header, bytes: slice.bytes, lineShift: slice.firstLine - 1 - headerLines, rowShift: slice.rowsBefore, firstLfLine: slice.firstLfLine },
            reading,
          }),
        async (result) => {
          for (const problem of result.problems) {
            if (onError === 'fail') throw problemError(problem);
            skipped += 1;
            if (problems.length < KEPT_PROBLEMS) problems.push(problem);
          }
          if (result.error !== undefined) throw sentError(result.error);
          for (let i = 0; i < result.ids.length; i++) ids.see(result.ids[i], result.lines[i]);
          for (const line of result.blankIds?.lines ?? []) blank.see(line, result.blankIds!.column);
          await sink.write(result.bytes);
          rows += result.ids.length;
          records += result.records;
          options.progress?.update(rows, result.lastLine);
        },
        workers === 1 ? 1 : workers * IN_FLIGHT_PER_WORKER,
      );
      if (records === 0) throw new PlotlineError('the file has a header but no rows; expected one row per text to score', { file: options.input, line: slices.headerLine });
      await sink.commit();
      return { rows, skipped, problems, duplicateIds, blankIds, unknownFamilies, fieldValues, rules, fieldless, fields: modelFields, seconds: (performance.now() - started) / 1000 };
    }
    const rowsRead = readPredictionInput(options.input, {
      columns: options.columns,
      saved: catalogue?.columns,
      fields: [...fields],
      format: options.format,
      onError,
      onProblem: (problem) => {
        skipped += 1;
        if (problems.length < KEPT_PROBLEMS) problems.push(problem);
      },
    });
    modelFields = [...fields];
    const watched = watchInputRows(rowsRead, fields, rules, checkFields, readsFields);
    ({ fieldless, unknownFamilies, fieldValues, duplicateIds, blankIds } = watched.found);
    await mapInOrder(
      chunked(watched.rows, chunkRows),
      job,
      async (lines, chunk) => {
        await sink.write(lines);
        rows += chunk.ids.length;
        options.progress?.update(rows, chunk.lastLine);
      },
      workers === 1 ? 1 : workers * IN_FLIGHT_PER_WORKER,
    );
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error;
  } finally {
    await closeSlices?.();
    await pool?.close();
    await loaded?.dispose();
  }
  return { rows, skipped, problems, duplicateIds, blankIds, unknownFamilies, fieldValues, rules, fieldless, fields: modelFields, seconds: (performance.now() - started) / 1000 };
}

/** Whether a manifest describes a bag saved in its collapsed linear form, without a field model. */
function isLinearBag(manifest: Manifest): boolean {
  return scoresWithoutBackend(manifest) && (manifest.catalogue?.fusion ?? null) === null;
}

/** A loaded bag as the scoring workers take it: its weights copied once onto SharedArrayBuffers. */
function shareLinearBag(model: GenreModel): SharedLinearBag | undefined {
  if (!(model instanceof LinearBagModel) || !(model.vectorizer instanceof NgramVectorizer)) return undefined;
  const shared = (a: Float32Array): Float32Array => {
    const copy = new Float32Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    return copy;
  };
  const { linear, vectorizer } = model;
  return {
    linear: { collapsed: shared(linear.collapsed), idf: shared(linear.idf), bias: shared(linear.bias), normalisation: linear.normalisation },
    encoder: { options: { ...vectorizer.options }, maxLength: vectorizer.maxLength },
    genres: [...model.genres],
    thresholds: model.thresholds,
    rules: model.rules,
  };
}

async function* chunked(rows: AsyncIterable<PredictionInputRow>, size: number): AsyncGenerator<Chunk> {
  let chunk: Chunk = { ids: [], texts: [], lastLine: 0 };
  for await (const row of rows) {
    chunk.ids.push(row.id);
    chunk.texts.push(row.text);
    if (row.fields !== undefined) (chunk.fields ??= []).push(row.fields);
    chunk.lastLine = row.line;
    if (chunk.ids.length >= size) {
      yield chunk;
      chunk = { ids: [], texts: [], lastLine: 0 };
    }
  }
  if (chunk.ids.length > 0) yield chunk;
}

interface Sink {
  write(data: Uint8Array | string): Promise<void>;
  /** Completes the output (renames the temporary file into place). */
  commit(): Promise<void>;
  /** Removes the temporary file. */
  abort(): Promise<void>;
}

async function openSink(output: string | undefined): Promise<Sink> {
  if (output === undefined) {
    const out = process.stdout;
    return {
      async write(data) {
        if (!out.write(data)) await once(out, 'drain');
      },
      async commit() {},
      async abort() {},
    };
  }
  // Temporary files of earlier runs that were killed before their rename (their process is gone).
  await removeStaleTemporaries(dirname(resolve(output)), (name) => name.startsWith(`.${basename(output)}.tmp-`));
  const temporary = temporarySibling(output);
  const cannot = (error: unknown): PlotlineError => cannotWriteOutput(error, output);
  let handle;
  try {
    handle = await open(temporary, 'wx');
  } catch (error) {
    throw cannot(error);
  }
  const file = handle;
  // Ctrl-C or SIGTERM while writing: the temporary file goes at once (exit 130 / 143), OUT stays as it was.
  const forget = removeOnSignal(temporary);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await file.close();
  };
  return {
    async write(data) {
      try {
        await file.writeFile(data);
      } catch (error) {
        throw cannot(error);
      }
      faultPoint('wrote a chunk of the output');
    },
    async commit() {
      try {
        await file.sync();
        faultPoint('synced the output');
        await close();
        await renameDurably(temporary, output);
      } catch (error) {
        throw cannot(error);
      } finally {
        forget();
      }
    },
    async abort() {
      await close().catch(() => {});
      await rm(temporary, { force: true });
      forget();
    },
  };
}
