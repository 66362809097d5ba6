/**
 * `npm run bench`: trains each model kind on the standard split (../shared/data) with a fixed seed and
 * prints, per model, test micro/macro-F1 at 0.5 and at validation-tuned thresholds, the 95% bootstrap
 * interval, training seconds, prediction throughput and peak memory.
 *
 *   npm run bench                       # every kind
 *   npm run bench -- --kinds cnn,bag    # some kinds
 *   npm run bench -- --kinds bilstm@bce # a kind with another loss (early stopping then watches micro-F1)
 *   npm run bench -- --seed 7
 */
import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/engine/backend.js';
import { loadDataset, foldData } from '../src/data/dataset.js';
import { trainClassifier } from '../src/training/train-classifier.js';
import { evaluateScores } from '../src/evaluation/evaluate-scores.js';
import { macroF1 } from '../src/evaluation/metrics.js';
import { applyThresholds } from '../src/evaluation/thresholds.js';
import { MODEL_KIND_NAMES } from '../src/models/kinds.js';
import { LOSSES, type LossName } from '../src/models/losses.js';

const { values } = parseArgs({
  options: {
    kinds: { type: 'string', default: 'cnn,bag,bilstm,bilstm@bce' },
    seed: { type: 'string', default: '42' },
    data: { type: 'string', default: resolve('../shared/data') },
  },
});
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
  if (!MODEL_KIND_NAMES.includes(kind)) throw new Error(`unknown kind ${kind}; expected ${MODEL_KIND_NAMES.join(', ')}`);
  if (loss !== undefined && !(LOSSES as readonly string[]).includes(loss)) throw new Error(`unknown loss ${loss}; expected ${LOSSES.join(', ')}`);
  return { label: spec.trim(), kind, loss: loss as LossName | undefined };
});
const seed = Number(values.seed);

await useBackend('wasm');
const dataset = await loadDataset(csv, { splitFile, seed });
const train = foldData(dataset, dataset.folds.train);
const validation = foldData(dataset, dataset.folds.validation);
const test = foldData(dataset, dataset.folds.test);
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
  predictionsPerSecond: number;
  peakMiB: number;
}
const rows: Row[] = [];

for (const { label, kind, loss } of runs) {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const trained = await trainClassifier(dataset.genres.genres, train, validation, {
    kind,
    seed,
    ...(loss === undefined ? {} : { loss, monitor: 'micro' as const, positiveWeights: loss === 'bce', learningRate: loss === 'bce' ? 3e-3 : undefined }),
    onEpoch: (log, max) => process.stderr.write(`  ${label} epoch ${log.epoch}/${max} val micro-F1 ${log.valMicroF1.toFixed(3)} (${log.seconds.toFixed(1)} s)\n`),
  });
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
    predictionsPerSecond,
    peakMiB: peak / 2 ** 20,
  });
  console.log(
    `${label}: test micro-F1 ${evaluation.tuned.microF1.toFixed(3)} macro-F1 ${evaluation.tuned.macroF1.toFixed(3)} ` +
      `(at 0.5: ${evaluation.atHalf.microF1.toFixed(3)} / ${evaluation.atHalf.macroF1.toFixed(3)}), train ${trained.trainSeconds.toFixed(1)} s`,
  );
  classifier.dispose();
}

const f = (x: number) => x.toFixed(3);
console.log('\n| model | params | best/ran epochs | val macro-F1 @0.5 | test micro-F1 @0.5 | macro-F1 @0.5 | test micro-F1 tuned | macro-F1 tuned | micro-F1 95% CI | thresholds | train s | predictions/s | peak RSS MiB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.kind} | ${r.params.toLocaleString('en')} | ${r.epochs} | ${f(r.valMacroHalf)} | ${f(r.microHalf)} | ${f(r.macroHalf)} | ${f(r.micro)} | ${f(r.macro)} | ${f(r.low)}-${f(r.high)} | ${r.thresholds} | ${r.trainSeconds.toFixed(1)} | ${Math.round(r.predictionsPerSecond).toLocaleString('en')} | ${Math.round(r.peakMiB)} |`,
  );
}
