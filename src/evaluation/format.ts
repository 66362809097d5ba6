/**
 * Plain-text rendering of evaluation metrics for the CLI: fixed 3 decimals and space-aligned
 * columns so runs can be compared by eye or diffed, with no colour or box characters that would
 * garble a log file.
 */
import type { GenreMetrics, MultiLabelMetrics } from './metrics.js';

function fixed(value: number | null): string {
  return value === null ? '-' : value.toFixed(3);
}

/** Left-aligns the first column and right-aligns the others (numbers line up on the decimal). */
function alignRows(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  return rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
  );
}

function perGenreTable(perGenre: readonly GenreMetrics[]): string[] {
  // Most frequent genres first: they dominate micro F1 and are what a reader checks first;
  // name order breaks ties so the output is stable.
  const sorted = [...perGenre].sort((a, b) => b.support - a.support || a.genre.localeCompare(b.genre));
  const rows = [['genre', 'support', 'predicted', 'precision', 'recall', 'f1', 'auc']];
  for (const g of sorted) {
    rows.push([
      g.genre,
      String(g.support),
      String(g.predicted),
      fixed(g.precision),
      fixed(g.recall),
      fixed(g.f1),
      fixed(g.auc),
    ]);
  }
  return alignRows(rows);
}

/** Summary block, followed by the per-genre table when `perGenre` is true (default false). */
export function formatMetricsTable(metrics: MultiLabelMetrics, options: { perGenre?: boolean } = {}): string {
  const summary: [string, string][] = [
    ['items', String(metrics.count)],
    ['micro F1', fixed(metrics.microF1)],
    ['micro precision', fixed(metrics.microPrecision)],
    ['micro recall', fixed(metrics.microRecall)],
    ['macro F1', fixed(metrics.macroF1)],
    ['macro F1 (supported)', fixed(metrics.macroF1Supported)],
    ['samples F1', fixed(metrics.samplesF1)],
    ['subset accuracy', fixed(metrics.subsetAccuracy)],
    ['hamming loss', fixed(metrics.hammingLoss)],
    ['precision@1', fixed(metrics.precisionAt1)],
    ['precision@3', fixed(metrics.precisionAt3)],
    ['LRAP', fixed(metrics.lrap)],
    ['macro ROC-AUC', fixed(metrics.macroAuc)],
  ];
  const lines = alignRows(summary);
  if (options.perGenre) {
    lines.push('', ...perGenreTable(metrics.perGenre));
  }
  return lines.join('\n');
}
