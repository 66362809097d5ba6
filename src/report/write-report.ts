/**
 * Writes a comparison's report folder: report.json (the data as is), report.md, report.html, and each
 * chart as SVG and PNG. Everything goes to a hidden sibling folder that is renamed into place at the
 * end, so a crash never leaves a half-written report where a complete one was.
 *
 * A chart that fails to render does not cost the report: the tables are the result, the charts help
 * read it. The failure is said in report.md and report.html and returned as a warning, and the missing
 * file is not linked.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CompareReport } from './report-data.js';
import { CHARTS, type ChartFiles, type ChartName } from './chart-catalog.js';
import { chartSpecs } from './charts.js';
import { renderHtml, type InlineChart } from './html.js';
import { renderMarkdown } from './markdown.js';
import { toPng, toSvg } from './render-chart.js';
import { replaceDirectory } from '../util/replace-directory.js';
import { temporarySibling } from '../util/temporary-path.js';
import { oneLineMessage } from '../util/errors.js';

export interface WriteReportOptions {
  /** Renderers, replaceable to test what a failing one does (or to plug in another rasteriser). */
  render?: { toSvg?: typeof toSvg; toPng?: typeof toPng };
}

export interface WrittenReport {
  /** Paths of the files written, under `dir`. */
  files: string[];
  /** What could not be rendered, one line each; also shown in report.md and report.html. */
  warnings: string[];
}

/** "PNG rendering failed for a, b: <message>", one line per format and distinct message. */
function failureNotes(failures: { format: 'SVG' | 'PNG'; chart: ChartName; message: string }[]): string[] {
  const groups = new Map<string, ChartName[]>();
  for (const f of failures) {
    const key = JSON.stringify([f.format, f.message]);
    groups.set(key, [...(groups.get(key) ?? []), f.chart]);
  }
  return [...groups].map(([key, charts]) => {
    const [format, message] = JSON.parse(key) as [string, string];
    const consequence = format === 'PNG' ? 'these charts are SVG only' : 'these charts are missing';
    return `${format} rendering failed for ${charts.join(', ')} (${message}); ${consequence}.`;
  });
}

export async function writeReport(report: CompareReport, dir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const svgOf = options.render?.toSvg ?? toSvg;
  const pngOf = options.render?.toPng ?? toPng;
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporarySibling(target);
  await mkdir(temporary);
  const names: string[] = [];
  const write = async (name: string, content: string | Uint8Array): Promise<void> => {
    await writeFile(join(temporary, name), content);
    names.push(name);
  };
  try {
    await write('report.json', JSON.stringify(report, null, 2) + '\n');
    const specs = chartSpecs(report);
    const inline: InlineChart[] = [];
    const files: ChartFiles[] = [];
    const failures: { format: 'SVG' | 'PNG'; chart: ChartName; message: string }[] = [];
    for (const { name } of CHARTS) {
      let svg: string;
      try {
        svg = await svgOf(specs[name]);
      } catch (error) {
        failures.push({ format: 'SVG', chart: name, message: oneLineMessage(error) });
        files.push({ name, svg: false, png: false });
        continue;
      }
      await write(`${name}.svg`, svg);
      inline.push({ name, svg });
      let png: Uint8Array | null = null;
      try {
        png = pngOf(svg);
      } catch (error) {
        failures.push({ format: 'PNG', chart: name, message: oneLineMessage(error) });
      }
      if (png !== null) await write(`${name}.png`, png);
      files.push({ name, svg: true, png: png !== null });
    }
    const warnings = failureNotes(failures);
    await write('report.md', renderMarkdown(report, { charts: files, notes: warnings }));
    await write('report.html', renderHtml(report, inline, { notes: warnings }));
    await replaceDirectory(temporary, target);
    return { files: names.map((name) => join(dir, name)), warnings };
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}
