/**
 * The report's charts as Vega-Lite specs, data inlined: a spec alone is the whole chart, so it can be
 * rendered here, kept next to the report, or pasted into the Vega editor to explore. Only models that
 * produced scores appear (a failed one has nothing to draw); a chart with no data at all says so in
 * words instead of drawing empty axes.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CompareReport } from './report-data.js';
import { CHARTS, type ChartName } from './chart-catalog.js';
import { genresByTrainFrequency } from './genre-order.js';
import { scoredModels, type ScoredModel } from './ok-models.js';

/**
 * Font stack for chart text. Liberation Sans is metric-compatible with Arial and Helvetica, the three
 * cover Linux, Windows and macOS, and `text-metrics.ts` lays labels out with their widths, so the SVG
 * in a browser and the PNG from resvg both fit their labels.
 */
export const CHART_FONT = 'Liberation Sans, Arial, Helvetica, sans-serif';

/** Tableau 10: distinguishable, colour-blind-tolerant, and the same model keeps one colour in every chart. */
const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#ff9da6', '#9d755d', '#bab0ac'];

const CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 8,
  title: { fontSize: 15, subtitleFontSize: 11.5, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 320 },
  header: { labelFontSize: 13, labelFontWeight: 'bold', title: null },
  legend: { labelFontSize: 11.5, titleFontSize: 12, labelLimit: 320, orient: 'right' },
  view: { stroke: '#ddd' },
} as const;

/** Colour scale over the models drawn in one chart, each keeping its report-wide colour. */
function modelColor(report: CompareReport, drawn: readonly string[]): { domain: string[]; range: string[] } {
  const everyModel = report.models.map((m) => m.name);
  return { domain: [...drawn], range: drawn.map((name) => PALETTE[everyModel.indexOf(name) % PALETTE.length]) };
}

function title(name: ChartName, subtitle: string | string[]): { text: string; subtitle: string | string[] } {
  return { text: CHARTS.find((c) => c.name === name)!.title, subtitle };
}

/** A chart that states why it has nothing to plot, so the report's files are always all there. */
function emptyChart(name: ChartName, reason: string): TopLevelSpec {
  return {
    title: title(name, reason),
    config: CONFIG,
    width: 360,
    height: 40,
    data: { values: [{}] },
    mark: { type: 'text', text: 'no data', fontSize: 13, color: '#777' },
  };
}

/** Validation micro-F1 and macro-F1 after every epoch, one panel each, a line per model. */
function validationF1(report: CompareReport): TopLevelSpec {
  const rows: { model: string; epoch: number; metric: string; value: number; best: boolean }[] = [];
  for (const model of scoredModels(report)) {
    for (const point of model.history ?? []) {
      const best = point.epoch === model.bestEpoch;
      rows.push({ model: model.name, epoch: point.epoch, metric: 'micro-F1', value: point.valMicroF1, best });
      rows.push({ model: model.name, epoch: point.epoch, metric: 'macro-F1', value: point.valMacroF1, best });
    }
  }
  if (rows.length === 0) return emptyChart('validation-f1', 'No model recorded per-epoch validation scores.');
  const drawn = [...new Set(rows.map((r) => r.model))];
  const color = { field: 'model', type: 'nominal' as const, title: 'model', scale: modelColor(report, drawn), sort: drawn };
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: { tickMinStep: 1, format: 'd' } };
  const y = { field: 'value', type: 'quantitative' as const, title: 'validation F1', scale: { zero: true } };
  return {
    title: title('validation-f1', 'Ringed point: the epoch early stopping kept.'),
    config: CONFIG,
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', sort: ['micro-F1', 'macro-F1'], title: null } },
    spec: {
      width: 300,
      height: 220,
      layer: [
        { mark: { type: 'line', point: { size: 22 }, strokeWidth: 2 }, encoding: { x, y, color } },
        {
          transform: [{ filter: 'datum.best' }],
          mark: { type: 'point', size: 150, strokeWidth: 2, filled: false, opacity: 1 },
          encoding: { x, y, color },
        },
      ],
    },
  };
}

/** Test F1 per genre as grouped horizontal bars, genres from most to least frequent in train. */
function perGenreF1(report: CompareReport): TopLevelSpec {
  const models = scoredModels(report);
  const order = genresByTrainFrequency(report);
  const rows = order.flatMap((g, rank) =>
    models
      .filter((m) => Number.isFinite(m.test.perGenreF1[g]))
      .map((m) => ({ genre: report.genres[g], rank, model: m.name, f1: m.test.perGenreF1[g] })),
  );
  if (rows.length === 0) return emptyChart('per-genre-f1', 'No model produced test scores.');
  const drawn = models.map((m) => m.name).filter((name) => rows.some((r) => r.model === name));
  return {
    title: title('per-genre-f1', 'Genres from most to least frequent in the training fold.'),
    config: CONFIG,
    data: { values: rows },
    width: 360,
    height: { step: Math.max(3, Math.min(8, Math.floor(24 / drawn.length))), for: 'offset' },
    mark: { type: 'bar' },
    encoding: {
      // Sorting by a numeric rank field, not a list of names: names are data and stay out of expressions.
      y: { field: 'genre', type: 'nominal', title: null, sort: { field: 'rank', op: 'min' }, scale: { paddingInner: 0.25 } },
      yOffset: { field: 'model', type: 'nominal', sort: drawn },
      x: { field: 'f1', type: 'quantitative', title: 'test F1 (tuned thresholds)', scale: { domain: [0, 1] }, axis: { orient: 'top' } },
      color: { field: 'model', type: 'nominal', title: 'model', scale: modelColor(report, drawn), sort: drawn },
    },
  };
}

/** Titles per genre in the training fold and in the test fold, side by side with their own scales. */
function genreFrequency(report: CompareReport): TopLevelSpec {
  const order = genresByTrainFrequency(report);
  const folds = [
    { fold: 'train + validation', counts: report.genreCounts.train },
    { fold: 'test', counts: report.genreCounts.test },
  ];
  const rows = folds.flatMap(({ fold, counts }) => order.map((g, rank) => ({ genre: report.genres[g], rank, fold, titles: counts[g] ?? 0 })));
  if (rows.length === 0) return emptyChart('genre-frequency', 'The report lists no genres.');
  return {
    title: title('genre-frequency', 'Each fold on its own scale: equal bar shapes mean the split kept the genre mix.'),
    config: CONFIG,
    data: { values: rows },
    facet: { column: { field: 'fold', type: 'nominal', sort: folds.map((f) => f.fold), title: null } },
    spec: {
      width: 220,
      height: { step: 13 },
      layer: [
        {
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: {
            y: { field: 'genre', type: 'nominal', title: null, sort: { field: 'rank', op: 'min' } },
            x: { field: 'titles', type: 'quantitative', title: 'titles' },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 9.5, color: '#444' },
          encoding: {
            y: { field: 'genre', type: 'nominal', title: null, sort: { field: 'rank', op: 'min' } },
            x: { field: 'titles', type: 'quantitative' },
            text: { field: 'titles', type: 'quantitative', format: ',d' },
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}

const CURVE_METRICS = ['precision', 'recall', 'F1'] as const;

/** Micro precision, recall and F1 against one global threshold, with each model's tuned F1 for reference. */
function thresholdTradeoff(report: CompareReport): TopLevelSpec {
  const models = scoredModels(report).filter((m) => m.test.thresholdCurve.length > 0);
  if (models.length === 0) return emptyChart('threshold-tradeoff', 'No model produced a threshold curve.');
  const rows: { model: string; metric: string; threshold?: number; value: number; layer: 'curve' | 'tuned' }[] = [];
  for (const model of models) {
    for (const p of model.test.thresholdCurve) {
      rows.push({ model: model.name, metric: 'precision', threshold: p.threshold, value: p.microPrecision, layer: 'curve' });
      rows.push({ model: model.name, metric: 'recall', threshold: p.threshold, value: p.microRecall, layer: 'curve' });
      rows.push({ model: model.name, metric: 'F1', threshold: p.threshold, value: p.microF1, layer: 'curve' });
    }
    rows.push({ model: model.name, metric: 'F1', value: model.test.tuned.microF1, layer: 'tuned' });
  }
  const drawn = models.map((m: ScoredModel) => m.name);
  const color = { field: 'model', type: 'nominal' as const, title: 'model', scale: modelColor(report, drawn), sort: drawn };
  const y = { field: 'value', type: 'quantitative' as const, title: 'test micro score', scale: { domain: [0, 1] } };
  return {
    title: title('threshold-tradeoff', 'Dashed: test micro-F1 at the thresholds tuned on validation.'),
    config: CONFIG,
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', sort: [...CURVE_METRICS], title: null } },
    spec: {
      width: 200,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.layer === 'curve'" }],
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { x: { field: 'threshold', type: 'quantitative', title: 'global threshold', scale: { domain: [0, 1] } }, y, color },
        },
        {
          transform: [{ filter: "datum.layer === 'tuned'" }],
          mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
          encoding: { y, color },
        },
      ],
    },
  };
}

const BUILDERS: Record<ChartName, (report: CompareReport) => TopLevelSpec> = {
  'validation-f1': validationF1,
  'per-genre-f1': perGenreF1,
  'genre-frequency': genreFrequency,
  'threshold-tradeoff': thresholdTradeoff,
};

/** Every chart of the report as a Vega-Lite spec, keyed by its file stem, in `CHARTS` order. */
export function chartSpecs(report: CompareReport): Record<ChartName, TopLevelSpec> {
  const specs = {} as Record<ChartName, TopLevelSpec>;
  for (const { name } of CHARTS) specs[name] = BUILDERS[name](report);
  return specs;
}
