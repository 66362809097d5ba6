/**
 * report.md: the comparison as GitHub Markdown. The project README embeds it (a generator copies it),
 * so it is plain GFM with no HTML of its own, every name from the data is escaped (a genre or an error
 * message may hold `|`, `*`, `<` or `&`), and chart links are relative to the report folder unless
 * the caller gives a prefix.
 */
import type { CompareReport } from './report-data.js';
import { CHARTS, type ChartFiles } from './chart-catalog.js';
import { PER_GENRE_HEADING, TABLE_NOTE, reportDetails, reportTitle } from './summary-text.js';
import { modelTable, perGenreTable, type Table } from './tables.js';

export interface MarkdownOptions {
  /** Level of the title heading (sections go one deeper): 1 standalone, deeper when embedded. Default 1. */
  headingLevel?: number;
  /** Prepended to every chart link, for a copy that lives in another folder. Default "" (same folder). */
  linkPrefix?: string;
  /** The chart files that exist to link to. Default: every chart, as SVG and PNG. */
  charts?: readonly ChartFiles[];
  /** Lines to show under the title, e.g. why the PNG charts are missing. */
  notes?: string[];
}

/**
 * Escapes text for the middle of a Markdown line or a table cell: the characters that start inline
 * syntax there (emphasis, code, links, strikethrough) and `|`, which would end a cell, get a backslash;
 * `<` and `>` become entities (GitHub would otherwise take `<x>` for a tag), as does an `&` that would
 * start an entity (a lone one, as in "Action & Adventure", stays readable); line breaks,
 * which would end a table row, become spaces. Line-start syntax (`#`, `-`, `>`) needs nothing: data
 * never starts a line. Numbers stay as they are, so the raw file reads cleanly too.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A link target: relative paths only, with characters that would end the link percent-encoded. */
function linkTarget(path: string): string {
  return encodeURI(path).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

function markdownTable(table: Table): string[] {
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [row(table.header.map(escapeMarkdown)), row(table.align.map((a) => (a === 'right' ? '---:' : '---')))];
  for (const cells of table.rows) {
    const texts: string[] = [];
    for (const cell of cells) {
      const text = escapeMarkdown(cell.text);
      texts.push(cell.bold === true ? `**${text}**` : text);
      // GFM has no colspan: a spanning cell is followed by empty ones so the row keeps its width.
      for (let i = 1; i < (cell.span ?? 1); i++) texts.push('');
    }
    lines.push(row(texts).replace(/ {2,}\|/g, ' |'));
  }
  return lines;
}

export function renderMarkdown(report: CompareReport, options: MarkdownOptions = {}): string {
  const level = Math.min(Math.max(options.headingLevel ?? 1, 1), 5);
  const heading = (depth: number, text: string): string => `${'#'.repeat(level + depth)} ${text}`;
  const prefix = options.linkPrefix ?? '';
  const lines: string[] = [heading(0, escapeMarkdown(reportTitle(report))), '', escapeMarkdown(reportDetails(report)), ''];
  for (const note of options.notes ?? []) lines.push(`> ${escapeMarkdown(note)}`, '');
  lines.push(
    ...markdownTable(modelTable(report)),
    '',
    escapeMarkdown(TABLE_NOTE),
    '',
    heading(1, escapeMarkdown(PER_GENRE_HEADING)),
    '',
    ...markdownTable(perGenreTable(report)),
    '',
    heading(1, 'Charts'),
    '',
  );
  for (const chart of CHARTS) {
    const files = options.charts === undefined ? { svg: true, png: true } : options.charts.find((c) => c.name === chart.name);
    if (files === undefined || !files.svg) continue;
    const svg = `[${escapeMarkdown(chart.title)}](${linkTarget(`${prefix}${chart.name}.svg`)})`;
    lines.push(files.png ? `- ${svg} ([PNG](${linkTarget(`${prefix}${chart.name}.png`)}))` : `- ${svg}`);
  }
  return lines.join('\n') + '\n';
}
