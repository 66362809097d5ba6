/**
 * The report's prose as plain text (title, data line, how to read the table), shared by the Markdown
 * and the HTML page so the two say the same thing; each escapes it for its own format.
 */
import { basename } from 'node:path';
import type { CompareReport } from './report-data.js';
import { integer, seconds } from './format.js';

/** "2026-11-24" from an ISO timestamp; anything else is shown as given. */
export function reportDate(createdAt: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(createdAt) ? createdAt.slice(0, 10) : createdAt;
}

/** Date, data, split and seed on one line. Files by name only: the full path says where it ran, not what. */
export function reportTitle(report: CompareReport): string {
  const split = report.data.split === null ? 'seeded stratified split' : `split ${basename(report.data.split)}`;
  return `Model comparison, ${reportDate(report.createdAt)}: ${basename(report.data.file)}, ${split}, seed ${report.seed}`;
}

/** Data identity and sizes, library versions and how long the comparison took. */
export function reportDetails(report: CompareReport): string {
  const { data, versions } = report;
  return (
    `Data sha256 ${data.sha256.slice(0, 12)}: ${integer(data.trainSize)} train + ${integer(data.validationSize)} validation titles, ` +
    `${integer(data.testSize)} test titles, ${report.genres.length} genres. ` +
    `Plotline ${versions.plotline}, tfjs ${versions.tfjs}, Node ${versions.node}; the comparison took ${seconds(report.seconds)} s.`
  );
}

/** How to read the model table. */
export const TABLE_NOTE =
  'Scores are on the test fold. "tuned": thresholds tuned on the validation slice, never on test; ' +
  'the interval is a 95% bootstrap interval over test titles. Best tuned micro-F1 and macro-F1 in bold. ' +
  'Train time includes embedding the texts unless the embeddings were cached; predictions/s is end to end from text.';

export const PER_GENRE_HEADING = 'Test F1 per genre (tuned thresholds)';
