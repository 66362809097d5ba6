/**
 * report.html: the whole report as one page that works from a file, offline and forever: the charts are
 * inline SVG, the CSS is inline, and there is no script, font or URL to fetch. Every string from the data
 * is escaped, and ids inside each inlined SVG are prefixed so charts on one page cannot collide.
 */
import type { CompareReport } from './report-data.js';
import { CHARTS, type ChartName } from './chart-catalog.js';
import { PER_GENRE_HEADING, TABLE_NOTE, reportDetails, reportTitle } from './summary-text.js';
import { modelTable, perGenreTable, type Table } from './tables.js';

export interface InlineChart {
  name: ChartName;
  /** The SVG document as `toSvg` returned it. */
  svg: string;
}

export interface HtmlOptions {
  /** Lines to show under the title, e.g. why a chart is missing. */
  notes?: string[];
}

const STYLE = `
body { margin: 0; background: #fafafa; color: #222; font: 15px/1.45 "Liberation Sans", Arial, Helvetica, sans-serif; }
main { max-width: 1500px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 32px 0 10px; }
p { margin: 6px 0 12px; max-width: 75em; }
.note { border-left: 4px solid #e45756; background: #fff3f3; padding: 6px 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; background: white; font-size: 13.5px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; white-space: nowrap; }
th { background: #f0f0f0; font-weight: 600; text-align: left; vertical-align: bottom; white-space: normal; min-width: 3.5em; }
th span { white-space: nowrap; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
td.failed { color: #b00020; white-space: normal; }
tbody tr:nth-child(even) { background: #f7f9fc; }
figure { margin: 16px 0 28px; background: white; border: 1px solid #e3e3e3; padding: 8px; display: inline-block; max-width: calc(100% - 18px); }
figure svg { display: block; max-width: 100%; height: auto; }
`;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function htmlTable(table: Table): string {
  const cls = (c: number): string => (table.align[c] === 'right' ? ' class="right"' : '');
  // Headers wrap between words only ("micro-F1" must not break at its hyphen).
  const words = (h: string): string => h.split(' ').map((w) => `<span>${escapeHtml(w)}</span>`).join(' ');
  const head = table.header.map((h, c) => `<th${cls(c)}>${words(h)}</th>`).join('');
  const body = table.rows.map((cells) => {
    let column = 0;
    const tds = cells.map((cell) => {
      const span = cell.span ?? 1;
      const text = cell.bold === true ? `<strong>${escapeHtml(cell.text)}</strong>` : escapeHtml(cell.text);
      const td = span > 1 ? `<td colspan="${span}" class="failed">${text}</td>` : `<td${cls(column)}>${text}</td>`;
      column += span;
      return td;
    });
    return `<tr>${tds.join('')}</tr>`;
  });
  return `<div class="scroll"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
}

/**
 * Makes an SVG document fit inside a page: drops the XML prolog if any and the unused xlink namespace
 * (HTML needs neither), and prefixes every id and reference to one so two charts' ids cannot clash.
 */
export function inlineSvg(svg: string, idPrefix: string): string {
  let inline = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
  if (!inline.includes('xlink:')) inline = inline.replace(/\s+xmlns:xlink="[^"]*"/, '');
  return inline
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${idPrefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${idPrefix}${id})`)
    .replace(/\bhref="#([^"]+)"/g, (_, id: string) => `href="#${idPrefix}${id}"`);
}

export function renderHtml(report: CompareReport, charts: readonly InlineChart[], options: HtmlOptions = {}): string {
  const heading = reportTitle(report);
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Plotline ${escapeHtml(heading)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(heading)}</h1>`,
    `<p>${escapeHtml(reportDetails(report))}</p>`,
    ...(options.notes ?? []).map((note) => `<p class="note">${escapeHtml(note)}</p>`),
    htmlTable(modelTable(report)),
    `<p>${escapeHtml(TABLE_NOTE)}</p>`,
    `<h2>${escapeHtml(PER_GENRE_HEADING)}</h2>`,
    htmlTable(perGenreTable(report)),
    '<h2>Charts</h2>',
  ];
  for (const chart of CHARTS) {
    const rendered = charts.find((c) => c.name === chart.name);
    if (rendered === undefined) continue;
    // The chart draws its own title; the label names the figure for screen readers.
    parts.push(`<figure id="${chart.name}" aria-label="${escapeHtml(chart.title)}">`, inlineSvg(rendered.svg, `${chart.name}-`), '</figure>');
  }
  parts.push('</main>', '</body>', '</html>');
  return parts.join('\n') + '\n';
}
