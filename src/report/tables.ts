/**
 * The report's two tables as plain cells (text, emphasis, alignment), built once from the data so the
 * Markdown and the HTML page show the same numbers and the same bold cells; each renderer only
 * escapes and lays them out.
 */
import type { ComparedModel, CompareReport } from './report-data.js';
import { integer, megabytes, parameters, score, seconds } from './format.js';
import { genresByTrainFrequency } from './genre-order.js';
import { isScored, scoredModels, type ScoredModel } from './ok-models.js';

export interface Cell {
  text: string;
  /** The best value of its column. */
  bold?: boolean;
  /** Columns this cell covers (a failed model's error spans all its score columns); default 1. */
  span?: number;
}

export interface Table {
  header: string[];
  /** Numbers right-aligned so they line up on the decimal point. */
  align: ('left' | 'right')[];
  rows: Cell[][];
}

/** Shown where an ok model lacks an optional measurement (e.g. no timing was taken). */
const MISSING = '-';

interface Column {
  header: string;
  align: 'left' | 'right';
  value: (model: ScoredModel) => string;
  /** Bolded when it is the column's maximum (compared as displayed, so equal-looking values tie). */
  best?: (model: ScoredModel) => number;
}

const COLUMNS: Column[] = [
  { header: 'micro-F1 @0.5', align: 'right', value: (m) => score(m.test.atHalf.microF1) },
  { header: 'macro-F1 @0.5', align: 'right', value: (m) => score(m.test.atHalf.macroF1) },
  { header: 'samples-F1 @0.5', align: 'right', value: (m) => score(m.test.atHalf.samplesF1) },
  { header: 'micro-F1 tuned', align: 'right', value: (m) => score(m.test.tuned.microF1), best: (m) => m.test.tuned.microF1 },
  { header: 'macro-F1 tuned', align: 'right', value: (m) => score(m.test.tuned.macroF1), best: (m) => m.test.tuned.macroF1 },
  { header: 'samples-F1 tuned', align: 'right', value: (m) => score(m.test.tuned.samplesF1) },
  {
    header: 'micro-F1 tuned 95% CI',
    align: 'left',
    value: (m) => `${score(m.test.microF1Interval.low)}-${score(m.test.microF1Interval.high)}`,
  },
  { header: 'P@1', align: 'right', value: (m) => score(m.test.precisionAt1) },
  { header: 'LRAP', align: 'right', value: (m) => score(m.test.lrap) },
  { header: 'macro AUC', align: 'right', value: (m) => score(m.test.macroAuc) },
  // The 2020 write-up's measure, so the reproduction can be checked by eye.
  { header: 'val macro-F1 @0.5 (write-up)', align: 'right', value: (m) => (m.validationMacroF1AtHalf === undefined ? MISSING : score(m.validationMacroF1AtHalf)) },
  {
    header: 'word vectors',
    align: 'left',
    value: (m) => (m.wordVectors === undefined ? MISSING : `${integer(m.wordVectors.found)}/${integer(m.wordVectors.words)} words${m.wordVectors.frozen ? ', frozen' : ''}`),
  },
  { header: 'genre rules', align: 'left', value: rulesOf },
  { header: 'thresholds', align: 'left', value: thresholdsOf },
  { header: 'train s', align: 'right', value: trainTime },
  {
    header: 'predictions/s',
    align: 'right',
    value: (m) => (m.predictionsPerSecond === undefined ? MISSING : integer(m.predictionsPerSecond)),
  },
  { header: 'parameters', align: 'right', value: (m) => (m.parameters === undefined ? MISSING : parameters(m.parameters)) },
  { header: 'size MB', align: 'right', value: (m) => (m.sizeBytes === undefined ? MISSING : megabytes(m.sizeBytes)) },
];

/** Train time, flagged when it excludes embedding the texts (a cached run is not comparable as is). */
function trainTime(model: ComparedModel): string {
  if (model.trainSeconds === undefined) return MISSING;
  return model.embeddingsCached === true ? `${seconds(model.trainSeconds)} (cached embeddings)` : seconds(model.trainSeconds);
}

/**
 * The genre rules in a few words: "off", or the family (given by the title's field, or chosen by the
 * model's scores when the field is not read) and the cap, e.g. "type given, at most 3".
 */
function rulesOf(model: ComparedModel): string {
  if (model.rules === undefined) return MISSING;
  if (model.rules === null) return 'off';
  const { familyField, familyGiven, unknownFamily, maxGenres } = model.rules;
  const parts: string[] = [];
  if (familyField !== null) parts.push(familyGiven ? `${familyField} given` : unknownFamily === 'none' ? `${familyField} not chosen` : `${familyField} by ${unknownFamily}`);
  if (maxGenres !== null) parts.push(`at most ${maxGenres}`);
  return parts.length === 0 ? 'none learned' : parts.join(', ');
}

/** The thresholds' way in a few words: "global 0.35", "per genre", or "0.59 shifted 0.5" (prior-shifted). */
function thresholdsOf(model: ComparedModel): string {
  const t = model.thresholds;
  if (t === undefined) return MISSING;
  if (t.priorShift !== undefined) return `${t.global} shifted ${t.priorShift}`;
  return t.mode === 'global' ? `global ${t.global}` : 'per genre';
}

/** What a model reads: the description alone (the 2020 write-up's question) or with catalogue fields. */
function inputsOf(model: ComparedModel): string {
  return model.fields === undefined || model.fields.length === 0 ? 'description' : `description + ${model.fields.join(', ')}`;
}

/** One row per model, in report order; a failed model keeps its row, with its error across the scores. */
export function modelTable(report: CompareReport): Table {
  const scored = scoredModels(report);
  const bestText = COLUMNS.map((column) => {
    if (column.best === undefined || scored.length === 0) return null;
    return score(Math.max(...scored.map(column.best)));
  });
  const rows = report.models.map((model): Cell[] => {
    const lead: Cell[] = [{ text: model.name }, { text: model.kind }, { text: inputsOf(model) }];
    if (!isScored(model)) {
      const text = model.status === 'failed' ? `failed: ${model.error ?? 'no reason given'}` : 'no test scores recorded';
      return [...lead, { text, span: COLUMNS.length }];
    }
    return [
      ...lead,
      ...COLUMNS.map((column, c): Cell => {
        const text = column.value(model);
        return bestText[c] !== null && text === bestText[c] ? { text, bold: true } : { text };
      }),
    ];
  });
  return {
    header: ['model', 'kind', 'inputs', ...COLUMNS.map((c) => c.header)],
    align: ['left', 'left', 'left', ...COLUMNS.map((c) => c.align)],
    rows,
  };
}

/** Test F1 (tuned thresholds) per genre and scored model, most frequent genres first. */
export function perGenreTable(report: CompareReport): Table {
  const scored = scoredModels(report);
  const rows = genresByTrainFrequency(report).map((g): Cell[] => [
    { text: report.genres[g] },
    { text: integer(report.genreCounts.train[g] ?? 0) },
    { text: integer(report.genreCounts.test[g] ?? 0) },
    ...scored.map((model): Cell => ({ text: score(model.test.perGenreF1[g]) })),
  ]);
  return {
    header: ['genre', 'train titles', 'test titles', ...scored.map((m) => m.name)],
    align: ['left', 'right', 'right', ...scored.map(() => 'right' as const)],
    rows,
  };
}
