/**
 * `npm run bench`: trains each model kind on the standard split (../shared/data) with a fixed seed and
 * prints, per model, test micro/macro-F1 at 0.5 and at validation-tuned thresholds, the 95% bootstrap
 * interval, training seconds, prediction throughput and peak memory.
 *
 *   npm run bench                       # every kind
 *   npm run bench -- --kinds cnn,bag    # some kinds
 *   npm run bench -- --kinds bilstm@bce # a kind with another loss (early stopping then watches micro-F1)
 *   npm run bench -- --seed 7
 *   npm run bench -- --kinds bag --peers none        # no peers
 *   npm run bench -- --tracks none                   # only the plain text models (no genre rules, no fields)
 *
 * Each kind is trained once on the descriptions; besides its plain row (no genre rules: the numbers of
 * earlier READMEs) it is reported on Plotline's two tracks (src/training/train-catalogue.ts): the
 * description track (genre rules, family unknown) and the fields track (catalogue fields fused in,
 * family known), as `plotline compare` reports them.
 *
 * With `bag` among the kinds, the peers are measured in the same run (bench/peers.ts: fastText and
 * scikit-learn, installed from Debian when missing, skipped with a message when they cannot be) on the same
 * rows, and the bench prints bag's ratios to them: train time, model size on disk (float32 and int8
 * folders, with the int8 folder's test micro-F1 change) and `predict --input` throughput on a
 * --catalogue-rows file (default 60,000 descriptions, the catalogue repeated) with --workers (default 2).
 * Throughput is compared like with like: the row set against scikit-learn writes what its peer writes
 * (id and genres: `--scores none`), the one set against fastText what `predict-prob` with a threshold
 * writes (the decided genres' scores: `--scores decided`); a third row writes every genre's score
 * (`--scores all`, predict's default), so the cost of the full output stays visible. Each of those runs
 * is the command users run, the built CLI (`node dist/cli/main.js predict --input ...`, bench/built-cli.ts;
 * `npm run bench` builds first), timed from process start to exit; the bench itself runs under tsx.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/engine/backend.js';
import { loadDataset, splitData } from '../src/data/dataset.js';
import { trainClassifier } from '../src/training/train-classifier.js';
import { evaluateScores } from '../src/evaluation/evaluate-scores.js';
import { macroF1 } from '../src/evaluation/metrics.js';
import { applyThresholds } from '../src/models/thresholds.js';
import { kindNames } from '../src/models/kinds.js';
import { LOSSES, type LossName } from '../src/models/losses.js';
import { loadModel, saveModel } from '../src/models/storage.js';
import { trainedManifestFields } from '../src/models/manifest.js';
import { folderBytes } from '../src/util/folder-size.js';
import type { ScoreChoice } from '../src/batch/score-choice.js';
import type { GenreClassifier } from '../src/models/classifier.js';
import type { TrainedClassifier } from '../src/training/train-classifier.js';
import { addCatalogue, catalogueOptions, catalogueSplit } from '../src/training/train-catalogue.js';
import { runBuiltPredict } from './built-cli.js';
import { findFastText, findSklearnPython, runFastText, runSklearn, writeCatalogue, writePeerInputs, type PeerResult } from './peers.js';

const { values } = parseArgs({
  options: {
    kinds: { type: 'string', default: 'cnn,bag,bilstm,bilstm@bce' },
    seed: { type: 'string', default: '42' },
    data: { type: 'string', default: resolve('../shared/data') },
    peers: { type: 'string', default: 'fasttext,sklearn' },
    'catalogue-rows': { type: 'string', default: '60000' },
    workers: { type: 'string', default: '2' },
    tracks: { type: 'string', default: 'description,fields' },
  },
});
const trackNames = values.tracks === 'none' ? [] : (values.tracks as string).split(',').map((t) => t.trim());
for (const t of trackNames) if (t !== 'description' && t !== 'fields') throw new Error(`unknown track ${t}; expected description, fields or none`);
const peerNames = values.peers === 'none' ? [] : (values.peers as string).split(',').map((p) => p.trim());
for (const p of peerNames) if (p !== 'fasttext' && p !== 'sklearn') throw new Error(`unknown peer ${p}; expected fasttext, sklearn or none`);
const catalogueRows = Number(values['catalogue-rows']);
const workers = Number(values.workers);
const dataDir = values.data as string;
const csv = join(dataDir, 'netflix_titles.csv');
const splitFile = join(dataDir, 'split.csv');
if (!existsSync(csv) || !existsSync(splitFile)) {
  console.log(`bench skipped: the standard split is not at ${dataDir} (netflix_titles.csv and split.csv); pass --data DIR`);
  process.exit(0);
}
// "kind" or "kind@loss": the write-up's bilstm is trained on macro soft-F1, and bilstm@bce shows the same
// network on binary cross-entropy beside it.
const runs = (values.kinds as string).split(',').map((spec) => {
  const [kind, loss] = spec.trim().split('@');
  if (!kindNames('scratch').includes(kind)) throw new Error(`unknown kind ${kind}; expected ${kindNames('scratch').join(', ')}`);
  if (loss !== undefined && !(LOSSES as readonly string[]).includes(loss)) throw new Error(`unknown loss ${loss}; expected ${LOSSES.join(', ')}`);
  return { label: spec.trim(), kind, loss: loss as LossName | undefined };
});
const seed = Number(values.seed);

await useBackend('wasm');
const dataset = await loadDataset(csv, { splitFile, seed });
const train = splitData(dataset, dataset.splits.train);
const validation = splitData(dataset, dataset.splits.validation);
const test = splitData(dataset, dataset.splits.test);
const allTexts = dataset.titles.map((t) => t.description);
console.log(`standard split: train ${train.texts.length}, validation ${validation.texts.length}, test ${test.texts.length}; seed ${seed}; tfjs ${tf.version.tfjs} on ${tf.getBackend()}`);

interface Row {
  kind: string;
  params: number;
  epochs: string;
  valMacroHalf: number;
  microHalf: number;
  macroHalf: number;
  micro: number;
  macro: number;
  low: number;
  high: number;
  thresholds: string;
  trainSeconds: number;
  /** CPU seconds (user + system) of this process while training: less sensitive than wall time to other load. */
  trainCpuSeconds: number;
  predictionsPerSecond: number;
  peakMiB: number;
}
const rows: Row[] = [];
/** The bag run, kept (undisposed) for the comparison with the peers. */
let bagRun: { trained: TrainedClassifier; row: Row } | null = null;

for (const { label, kind, loss } of runs) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const cpuBefore = process.cpuUsage();
  const trained = await trainClassifier(dataset.genres.genres, train, validation, {
    kind,
    seed,
    ...(loss === undefined ? {} : { loss, monitor: 'micro' as const, positiveWeights: loss === 'bce', learningRate: loss === 'bce' ? 3e-3 : undefined }),
    onEpoch: (log, max) => process.stderr.write(`  ${label} epoch ${log.epoch}/${max} val micro-F1 ${log.valMicroF1.toFixed(3)} (${log.seconds.toFixed(1)} s)\n`),
  });
  const cpu = process.cpuUsage(cpuBefore);
  const { classifier } = trained;
  const scores = await classifier.score(test.texts);
  const evaluation = evaluateScores(test.targets, scores, classifier.genres, classifier.activeThresholds(), seed);
  // Throughput: every description in the catalogue, encoding included, after one warm-up pass.
  await classifier.score(allTexts.slice(0, 256));
  const started = performance.now();
  await classifier.score(allTexts);
  const predictionsPerSecond = allTexts.length / ((performance.now() - started) / 1000);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  rows.push({
    kind: `${label} (${trained.training.loss})`,
    params: classifier.network.countParams(),
    epochs: `${trained.bestEpoch}/${trained.history.length}`,
    // The 2020 write-up reported validation macro-F1 at 0.5; this is the like-for-like number.
    valMacroHalf: macroF1(validation.targets, applyThresholds(trained.validation.scores, classifier.genres.length, 0.5), classifier.genres.length),
    microHalf: evaluation.atHalf.microF1,
    macroHalf: evaluation.atHalf.macroF1,
    micro: evaluation.tuned.microF1,
    macro: evaluation.tuned.macroF1,
    low: evaluation.microF1Interval.low,
    high: evaluation.microF1Interval.high,
    thresholds: classifier.thresholds.mode === 'perGenre' ? 'per genre' : `global ${classifier.thresholds.global.toFixed(2)}`,
    trainSeconds: trained.trainSeconds,
    trainCpuSeconds: (cpu.user + cpu.system) / 1e6,
    predictionsPerSecond,
    peakMiB: peak / 2 ** 20,
  });
  console.log(
    `${label}: test micro-F1 ${evaluation.tuned.microF1.toFixed(3)} macro-F1 ${evaluation.tuned.macroF1.toFixed(3)} ` +
      `(at 0.5: ${evaluation.atHalf.microF1.toFixed(3)} / ${evaluation.atHalf.macroF1.toFixed(3)}), train ${trained.trainSeconds.toFixed(1)} s`,
  );
  const plain = rows[rows.length - 1];
  const plainThresholds = classifier.thresholds;
  for (const track of trackNames) {
    const options = catalogueOptions(dataset, track === 'description' ? { fields: ['description'] } : {}, seed);
    const result = addCatalogue(classifier, trained.validation.scores, catalogueSplit(dataset, dataset.splits.train), validation, options);
    const trackScores = await result.model.scoreTitles(test.texts, test.fields);
    const trackEvaluation = evaluateScores(test.targets, trackScores, classifier.genres, result.model.activeThresholds(), seed);
    const k = classifier.genres.length;
    rows.push({
      ...plain,
      kind: `${label} (${trained.training.loss}), ${track === 'description' ? 'description + genre rules' : `+ fields ${options.fields.join(', ')}`}`,
      params: plain.params + (result.fusion === null ? 0 : (result.model as { fieldModel?: { weights: Float32Array } }).fieldModel!.weights.length),
      valMacroHalf: macroF1(validation.targets, applyThresholds(result.validation.scores, k, 0.5), k),
      microHalf: trackEvaluation.atHalf.microF1,
      macroHalf: trackEvaluation.atHalf.macroF1,
      micro: trackEvaluation.tuned.microF1,
      macro: trackEvaluation.tuned.macroF1,
      low: trackEvaluation.microF1Interval.low,
      high: trackEvaluation.microF1Interval.high,
      thresholds: result.model.thresholds.mode === 'perGenre' ? 'per genre' : `global ${result.model.thresholds.global.toFixed(2)}`,
    });
    console.log(`${label} ${track} track: test micro-F1 ${trackEvaluation.tuned.microF1.toFixed(3)} macro-F1 ${trackEvaluation.tuned.macroF1.toFixed(3)}`);
    // The rules and thresholds set on the text model by the description track are undone for the next run.
    classifier.rules = null;
    classifier.thresholds = plainThresholds;
  }
  if (kind === 'bag' && loss === undefined && bagRun === null) bagRun = { trained, row: plain };
  else classifier.dispose();
}

const f = (x: number) => x.toFixed(3);
console.log('\n| model | params | best/ran epochs | val macro-F1 @0.5 | test micro-F1 @0.5 | macro-F1 @0.5 | test micro-F1 tuned | macro-F1 tuned | micro-F1 95% CI | thresholds | train s | predictions/s | peak RSS MiB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.kind} | ${r.params.toLocaleString('en')} | ${r.epochs} | ${f(r.valMacroHalf)} | ${f(r.microHalf)} | ${f(r.macroHalf)} | ${f(r.micro)} | ${f(r.macro)} | ${f(r.low)}-${f(r.high)} | ${r.thresholds} | ${r.trainSeconds.toFixed(1)} | ${Math.round(r.predictionsPerSecond).toLocaleString('en')} | ${Math.round(r.peakMiB)} |`,
  );
}

if (bagRun !== null) await comparePeers(bagRun.trained, bagRun.row);

/** Bag beside fastText and scikit-learn, same rows, same run: the ratios the issue's bar is stated in. */
async function comparePeers(trained: TrainedClassifier<GenreClassifier>, row: Row): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'plotline-bench-peers-'));
  try {
    const k = dataset.genres.genres.length;
    const loadBefore = loadavg()[0];
    // Model folders: float32 and int8, from the same trained model.
    const run = { dataFile: csv, dataSha256: dataset.sha256, splitFile, sizes: { train: train.texts.length, validation: validation.texts.length, test: test.texts.length } };
    const fields = trainedManifestFields(trained, run, { validation: null, test: null });
    const full = join(work, 'bag');
    const small = join(work, 'bag-int8');
    await saveModel(trained.classifier, fields, full);
    await saveModel(trained.classifier, { ...fields, config: { ...fields.config, storage: 'int8' } }, small);
    const quantised = (await loadModel(small)).classifier;
    const quantisedEval = evaluateScores(test.targets, await quantised.score(test.texts), quantised.genres, quantised.activeThresholds(), seed);
    const catalogue = writeCatalogue(work, allTexts, catalogueRows);
    // The same catalogue written three ways (see the module comment); `none` last, nearest the peers in time.
    // Each is the command a user runs: the built CLI (package.json "bin"), in a process of its own.
    const cpu: Partial<Record<ScoreChoice, string>> = {};
    const rate = (scores: ScoreChoice): number => {
      const run = runBuiltPredict({ model: full, input: catalogue.csv, output: join(work, `bag-out-${scores}.jsonl`), workers, scores });
      if (run.rows !== catalogueRows) throw new Error(`bench: plotline predict --input wrote ${run.rows} lines for ${catalogueRows} catalogue rows`);
      cpu[scores] = `${run.seconds.toFixed(2)} s wall, ${run.cpuSeconds === undefined ? '?' : run.cpuSeconds.toFixed(2)} CPU s`;
      return run.rows / run.seconds;
    };
    const everyScore = rate('all');
    const decidedScores = rate('decided');
    const loadScoring = loadavg()[0];
    const genresOnly = rate('none');
    const bag: PeerResult = {
      name: 'Plotline bag, genres only',
      skipped: null,
      trainSeconds: row.trainSeconds,
      trainCpuSeconds: row.trainCpuSeconds,
      microF1: row.micro,
      macroF1: row.macro,
      sizeBytes: await folderBytes(full),
      quantisedBytes: await folderBytes(small),
      quantisedMicroF1: quantisedEval.tuned.microF1,
      perSecond: genresOnly,
      note: `node dist/cli/main.js predict --input --scores none --workers ${workers}, timed from process start to exit (${cpu.none}): CSV in, JSON Lines of id + genres out (genre names), as the scikit-learn peer writes (genre numbers)`,
    };
    const bagRows: PeerResult[] = [
      bag,
      { name: 'Plotline bag, decided scores', skipped: null, perSecond: decidedScores, note: `the built CLI's predict --input --scores decided --workers ${workers}, process start to exit (${cpu.decided}): id, genres and the decided genres' scores, as fastText's predict-prob with a threshold writes` },
      { name: 'Plotline bag, every score', skipped: null, perSecond: everyScore, note: `the built CLI's predict --input (--scores all, the default) --workers ${workers}, process start to exit (${cpu.all}): id, genres and all ${k} genres' scores` },
    ];
    const folds = { train, validation, test };
    writePeerInputs(work, folds, k);
    const peers: PeerResult[] = [];
    for (const name of peerNames) {
      process.stderr.write(`  peer ${name} ...\n`);
      if (name === 'fasttext') {
        const tool = findFastText();
        peers.push('skipped' in tool ? { name: 'fastText', skipped: tool.skipped } : runFastText(tool.command, work, folds, k, catalogue.fastText));
      } else {
        const tool = findSklearnPython();
        peers.push('skipped' in tool ? { name: 'scikit-learn', skipped: tool.skipped } : runSklearn(tool.command, work, k));
      }
    }
    const mb = (b?: number) => (b === undefined ? '' : (b / 1e6).toFixed(1));
    const num = (x?: number, digits = 3) => (x === undefined ? '' : x.toFixed(digits));
    console.log(`\nPeers, same run (${new Date().toISOString().slice(0, 10)}; 1-minute load average ${loadBefore.toFixed(2)} before the bag's folders were written, ${loadScoring.toFixed(2)} before the genres-only scoring, ${loadavg()[0].toFixed(2)} after the peers; catalogue ${catalogueRows.toLocaleString('en')} rows):`);
    console.log('| model | train s (CPU s) | test micro-F1 tuned | macro-F1 tuned | size MB | quantised MB (micro-F1) | catalogue descriptions/s | how |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const r of [...bagRows, ...peers]) {
      if (r.skipped !== null) {
        console.log(`| ${r.name} | skipped: ${r.skipped} | | | | | | |`);
        continue;
      }
      const quantisedCell = r.quantisedBytes === undefined ? '' : `${mb(r.quantisedBytes)} (${num(r.quantisedMicroF1)})`;
      console.log(`| ${r.name} | ${num(r.trainSeconds, 1)}${r.trainCpuSeconds === undefined ? '' : ` (${num(r.trainCpuSeconds, 1)})`} | ${num(r.microF1)} | ${num(r.macroF1)} | ${mb(r.sizeBytes)} | ${quantisedCell} | ${Math.round(r.perSecond ?? 0).toLocaleString('en')} | ${r.note ?? ''} |`);
    }
    const fastText = peers.find((p) => p.name.startsWith('fastText') && p.skipped === null);
    const sklearn = peers.find((p) => p.name.startsWith('scikit-learn') && p.skipped === null);
    console.log('\nRatios (bag / peer, same run):');
    if (fastText !== undefined) {
      console.log(`  train time: ${(bag.trainSeconds! / fastText.trainSeconds!).toFixed(2)}x fastText's (bar: <= 3x); CPU time ${(bag.trainCpuSeconds! / fastText.trainCpuSeconds!).toFixed(2)}x`);
      console.log(`  model size: ${(bag.sizeBytes! / fastText.sizeBytes!).toFixed(2)}x fastText's .bin; int8 folder ${(bag.quantisedBytes! / fastText.quantisedBytes!).toFixed(2)}x its .ftz`);
      console.log(`  predict throughput: ${(decidedScores / fastText.perSecond!).toFixed(2)}x fastText's predict-prob, both writing the decided genres' scores (every score: ${(everyScore / fastText.perSecond!).toFixed(2)}x)`);
    }
    if (sklearn !== undefined) {
      console.log(`  train time: ${(bag.trainSeconds! / sklearn.trainSeconds!).toFixed(2)}x scikit-learn's`);
      console.log(`  predict throughput: ${(genresOnly / sklearn.perSecond!).toFixed(2)}x scikit-learn's pipeline end to end, both writing id + genres only (bar: >= 1x, and >= 30,000/s: ${Math.round(genresOnly).toLocaleString('en')}/s); writing every score ${(everyScore / sklearn.perSecond!).toFixed(2)}x`);
    }
    console.log(`  int8 folder: test micro-F1 ${num(bag.quantisedMicroF1)} vs ${num(bag.microF1)} float32 (change ${((bag.quantisedMicroF1 ?? 0) - (bag.microF1 ?? 0)).toFixed(4)}; bar: within 0.003); sizes ${mb(bag.sizeBytes)} / ${mb(bag.quantisedBytes)} MB (bars: <= 15 / <= 6)`);
    await quantised.dispose();
  } finally {
    await trained.classifier.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
