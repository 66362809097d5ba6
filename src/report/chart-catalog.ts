/**
 * The report's charts: file stem and caption. The Markdown links, the HTML page and the folder writer
 * all list charts from here, so a chart added to `chartSpecs` cannot be left out of one of them.
 */
export const CHARTS = [
  { name: 'validation-f1', title: 'Validation micro-F1 and macro-F1 per epoch' },
  { name: 'per-genre-f1', title: 'Test F1 per genre (tuned thresholds)' },
  { name: 'genre-frequency', title: 'Titles per genre, train vs test' },
  { name: 'threshold-tradeoff', title: 'Test precision, recall and F1 vs one global threshold' },
] as const;

export type ChartName = (typeof CHARTS)[number]['name'];

/** Which files of a chart were written: a chart whose rendering failed is linked only as far as it exists. */
export interface ChartFiles {
  name: ChartName;
  svg: boolean;
  png: boolean;
}
