/**
 * Batch scoring throughput: `predict --input` as users run it (the built CLI, `node dist/cli/main.js
 * predict --input ...` in a process of its own, bench/built-cli.ts: run `npm run build` first) over the
 * catalogue's descriptions repeated to ~50,000 rows, with 1 and 2 worker threads (or --workers LIST),
 * for each `--scores` choice asked for (default all: every genre's score a row, as predict writes by
 * default; decided; none: id and genres, as the scikit-learn peer writes), printing descriptions per
 * second for each and the ratio to the first run. Times are end to end (start-up and model loading
 * included: wall seconds from process start to exit, and the process's CPU seconds). Also checks that every run of one choice wrote the same bytes.
 *
 *   node --import tsx bench/batch-scoring.ts --model models/cnn [--rows 50000] [--workers 1,2]
 *        [--scores all,decided,none] [--format csv|jsonl] [--data ../shared/data/netflix_titles.csv] [--json] [--stages]
 *
 * --stages first times each stage of the pipeline on its own, in this process, on one thread (CPU
 * seconds, so other load on the machine matters less): reading and parsing the input (as a whole
 * file, and as predict --input reads a CSV for a bag: cut into slices of whole records, each decoded
 * and parsed behind the header), scoring the texts as the model does (a saved bag: tokenising, the word
 * cache and the sums), for a bag the reference path beside it (every feature encoded, every row
 * summed), the genre-set rules when the model has them, and writing the JSON Lines as predict does
 * (once per --scores choice).
 */
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { assertFreshBuild, runBuiltPredict } from './built-cli.js';
import { readPredictionInput, readPredictionSlice } from '../src/data/prediction-input.js';
import { loadModel } from '../src/models/storage.js';
import { LinearBagModel } from '../src/models/bag/linear-bag-model.js';
import { scoreLineBytes } from '../src/batch/score-line-bytes.js';
import { openCsvSlices } from '../src/data/csv-slices.js';
import { countLineBreaks } from '../src/data/csv.js';
import { decodeUtf8Slice } from '../src/data/text-decoding.js';
import { SLICE_BYTES } from '../src/batch/score-file.js';
import { applyThresholds } from '../src/models/thresholds.js';
import { useBackend } from '../src/engine/backend.js';
import { SCORE_CHOICES, type ScoreChoice } from '../src/batch/score-choice.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    rows: { type: 'string', default: '50000' },
    workers: { type: 'string', default: '1,2' },
    scores: { type: 'string', default: 'all' },
    format: { type: 'string', default: 'csv' },
    data: { type: 'string', default: '../shared/data/netflix_titles.csv' },
    json: { type: 'boolean', default: false },
    stages: { type: 'boolean', default: false },
  },
});

if (values.model === undefined) {
  console.log('bench/batch-scoring: skipped: give --model DIR (a folder from `plotline train`), e.g.\n' +
    '  node dist/cli/main.js train --data ../shared/data/netflix_titles.csv --split ../shared/data/split.csv --model cnn --out /tmp/plotline-cnn\n' +
    '  node --import tsx bench/batch-scoring.ts --model /tmp/plotline-cnn');
  process.exit(0);
}
const model = resolve(values.model);
if (!existsSync(join(model, 'manifest.json'))) {
  console.error(`bench/batch-scoring: ${model} is not a model folder (no manifest.json)`);
  process.exit(1);
}
const data = resolve(values.data);
if (!existsSync(data)) {
  console.log(`bench/batch-scoring: skipped: catalogue not found at ${data} (--data PATH)`);
  process.exit(0);
}
const targetRows = Number(values.rows);
const workerCounts = values.workers.split(',').map(Number);
if (!Number.isInteger(targetRows) || targetRows < 1 || workerCounts.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('bench/batch-scoring: --rows and --workers take whole numbers >= 1');
  process.exit(1);
}
const scoreChoices = values.scores.split(',').map((c) => c.trim()) as ScoreChoice[];
if (scoreChoices.some((c) => !SCORE_CHOICES.includes(c))) {
  console.error(`bench/batch-scoring: --scores takes a list of ${SCORE_CHOICES.join(', ')}`);
  process.exit(1);
}
if (values.format !== 'csv' && values.format !== 'jsonl') {
  console.error('bench/batch-scoring: --format is csv or jsonl');
  process.exit(1);
}

// The end-to-end runs time the built CLI: fail now, not after the stages, if it is missing or stale.
assertFreshBuild();

const titles = parse(readFileSync(data), { columns: true, bom: true }) as { description?: string }[];
const descriptions = titles.map((t) => (t.description ?? '').trim()).filter((d) => d !== '');
const work = mkdtempSync(join(tmpdir(), 'plotline-bench-batch-'));
const input = join(work, `input.${values.format}`);
const lines: string[] = values.format === 'csv' ? ['id,description'] : [];
for (let i = 0; i < targetRows; i++) {
  const text = descriptions[i % descriptions.length];
  lines.push(values.format === 'csv' ? `${i + 1},"${text.replaceAll('"', '""')}"` : JSON.stringify({ id: String(i + 1), description: text }));
}
writeFileSync(input, lines.join('\n') + '\n');

function sha256(file: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (c) => hash.update(c)).on('end', () => done(hash.digest('hex'))).on('error', fail);
  });
}

/** CPU seconds (user + system) `work` takes. */
async function cpuSeconds(work: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

if (values.stages) {
  await useBackend('wasm');
  const ids: string[] = [];
  const texts: string[] = [];
  const read = await cpuSeconds(async () => {
    for await (const row of readPredictionInput(input, {})) {
      ids.push(row.id);
      texts.push(row.text);
    }
  });
  const stages: [string, number][] = [['read + parse (CSV / JSON Lines, text checks)', read]];
  if (values.format === 'csv') {
    // As the worker threads read it: this thread cuts slices, then each is decoded and parsed (here, in turn).
    const sliced: { bytes: Uint8Array; lineShift: number; rowShift: number; lfLine: number }[] = [];
    let header = '';
    const cut = await cpuSeconds(async () => {
      const opened = await openCsvSlices(input, SLICE_BYTES);
      if (opened === null) throw new Error('bench/batch-scoring: the input cannot be read in slices');
      header = opened.header;
      const headerLines = countLineBreaks(header);
      for await (const slice of opened.slices) sliced.push({ bytes: slice.bytes, lineShift: slice.firstLine - 1 - headerLines, rowShift: slice.rowsBefore, lfLine: slice.firstLfLine });
    });
    let slicedRows = 0;
    const parse = await cpuSeconds(async () => {
      for (const slice of sliced) {
        const text = header + decodeUtf8Slice(slice.bytes, input, slice.lfLine);
        await readPredictionSlice(input, { slice: { text, lineShift: slice.lineShift, rowShift: slice.rowShift } }, (row) => (slicedRows += row.text.length > 0 ? 1 : 0));
      }
    });
    if (slicedRows !== texts.length) throw new Error(`bench/batch-scoring: slices gave ${slicedRows} rows, the whole file ${texts.length}`);
    stages.push([`  in slices: cut (reading thread), ${sliced.length} slices`, cut], ['  in slices: decode + parse (as predict --input reads them)', parse]);
  }
  const { classifier } = await loadModel(model);
  await classifier.score(texts.slice(0, 2000)); // warm-up (compiles the hot loops)
  let scores: Float32Array = new Float32Array(0);
  const score = await cpuSeconds(async () => (scores = await classifier.score(texts)));
  stages.push(['score as the model does (tokenise, featurise, sum, sigmoid)', score]);
  if (classifier instanceof LinearBagModel) {
    let encoded: Int32Array[] = [];
    stages.push(['  reference: encode every feature (tokenise, hash n-grams)', await cpuSeconds(() => (encoded = texts.map((t) => classifier.vectorizer.encode(t))))]);
    let reference: Float32Array = new Float32Array(0);
    stages.push(['  reference: sum every feature row', await cpuSeconds(() => (reference = classifier.scoreEncoded(encoded)))]);
    let worst = 0;
    for (let i = 0; i < scores.length; i++) worst = Math.max(worst, Math.abs(scores[i] - reference[i]));
    console.error(`  word cache vs reference: largest score difference ${worst}`);
  }
  const k = classifier.genres.length;
  let scored = { scores, raw: scores, outcomes: null as unknown };
  if (classifier.rules !== null) stages.push(['genre-set rules (family, cap)', await cpuSeconds(() => (scored = classifier.constrain(scores)))]);
  for (const choice of scoreChoices) {
    stages.push([
      `write JSON Lines (UTF-8 bytes, row by row), --scores ${choice}`,
      await cpuSeconds(() => {
        // As format.ts does: decisions on the ruled scores, and what the rules removed.
        const thresholds = classifier.activeThresholds();
        const decided = applyThresholds(scored.scores, k, thresholds);
        if (scored.outcomes === null) return scoreLineBytes(classifier.genres, ids, scored.scores, decided, { scores: choice });
        for (let c = 0; c < scored.scores.length; c++) if (scored.scores[c] === 0 && scored.raw[c] > 0) decided[c] = 0;
        return scoreLineBytes(classifier.genres, ids, scored.scores, decided, { scores: choice, ruled: { raw: scored.raw, before: applyThresholds(scored.raw, k, thresholds) } });
      }),
    ]);
  }
  await classifier.dispose();
  console.log(`stages, one thread, ${texts.length} rows (1-minute load average ${loadavg()[0].toFixed(2)}):`);
  for (const [name, seconds] of stages) console.log(`  ${name.padEnd(62)} ${seconds.toFixed(2).padStart(6)} CPU s  ${Math.round(texts.length / seconds).toLocaleString('en').padStart(9)} rows/s`);
}

interface Run {
  scores: ScoreChoice;
  workers: number;
  rows: number;
  seconds: number;
  cpuSeconds: number | undefined;
  perSecond: number;
  sha256: string;
}
const runs: Run[] = [];
// Worker threads only help on idle cores: the load before the runs says whether they were.
const loadBefore = loadavg()[0];
try {
  for (const scores of scoreChoices) {
    for (const workers of workerCounts) {
      const output = join(work, `out-${scores}-${workers}.jsonl`);
      const result = runBuiltPredict({ model, input, output, workers, scores });
      if (result.rows !== targetRows) throw new Error(`bench/batch-scoring: predict --input wrote ${result.rows} lines for ${targetRows} rows`);
      runs.push({ scores, workers, rows: result.rows, seconds: result.seconds, cpuSeconds: result.cpuSeconds, perSecond: result.rows / result.seconds, sha256: await sha256(output) });
      rmSync(output);
      if (!values.json) console.error(`  --scores ${scores}, ${workers} worker(s): ${result.rows} rows in ${result.seconds.toFixed(1)} s (${result.cpuSeconds?.toFixed(2) ?? '?'} CPU s)`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const base = runs[0].perSecond;
// The same bytes for any number of workers (each --scores choice writes its own).
const identical = runs.every((r) => r.sha256 === runs.find((s) => s.scores === r.scores)!.sha256);
if (values.json) {
  console.log(JSON.stringify({ model, rows: targetRows, format: values.format, cores: availableParallelism(), loadBefore, identical, runs: runs.map((r) => ({ ...r, ratio: r.perSecond / base })) }));
} else {
  console.log(`batch scoring: ${targetRows} descriptions (${values.format}), model ${model}`);
  console.log(`${availableParallelism()} cores, 1-minute load average ${loadBefore.toFixed(2)} before the runs (other work on the cores lowers the ratio)`);
  console.log('built CLI (node dist/cli/main.js predict --input), timed from process start to exit');
  console.log(' --scores  workers  descriptions/s  seconds  CPU s  vs first');
  for (const r of runs) {
    console.log(`${r.scores.padStart(9)}  ${String(r.workers).padStart(7)}  ${r.perSecond.toFixed(0).padStart(14)}  ${r.seconds.toFixed(1).padStart(7)}  ${(r.cpuSeconds?.toFixed(2) ?? '?').padStart(5)}  ${(r.perSecond / base).toFixed(2).padStart(7)}x`);
  }
  console.log(identical ? 'outputs identical across worker counts' : 'OUTPUTS DIFFER between worker counts');
}
if (!identical) process.exitCode = 1;
