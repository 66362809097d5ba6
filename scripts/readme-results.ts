/**
 * `npm run readme:results`: puts a finished comparison into the README. Copies the report folder
 * (default `report/`, which git ignores) to `docs/results/`, and replaces the README's text between
 * the results markers with report.md rendered for that place (deeper headings, links into
 * docs/results/) plus one chart shown inline. Run it after the full compare on the standard split:
 *
 *   npx plotline compare --data ../shared/data/netflix_titles.csv --split ../shared/data/split.csv
 *   npm run readme:results
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderMarkdown } from '../src/report/markdown.js';
import type { CompareReport } from '../src/report/report-data.js';

const START = '<!-- results:start (written by npm run readme:results) -->';
const END = '<!-- results:end -->';
const TARGET = 'docs/results';
const INLINE_CHART = { file: 'validation-f1.svg', alt: 'Validation micro-F1 and macro-F1 per epoch for every model' };

const { values } = parseArgs({ options: { report: { type: 'string', default: 'report' }, readme: { type: 'string', default: 'README.md' } } });
const reportDir = values.report as string;
const reportFile = join(reportDir, 'report.json');
if (!existsSync(reportFile)) {
  console.error(`readme:results: ${reportFile} not found; run plotline compare first`);
  process.exit(1);
}
const report = JSON.parse(await readFile(reportFile, 'utf8')) as CompareReport;
await rm(TARGET, { recursive: true, force: true });
await cp(reportDir, TARGET, { recursive: true });
const readme = await readFile(values.readme as string, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`readme:results: ${values.readme} has no "${START}" ... "${END}" section`);
  process.exit(1);
}
const section = [
  START,
  '',
  renderMarkdown(report, { headingLevel: 3, linkPrefix: `${TARGET}/` }).trim(),
  '',
  `![${INLINE_CHART.alt}](${TARGET}/${INLINE_CHART.file})`,
  '',
  END,
].join('\n');
await writeFile(values.readme as string, readme.slice(0, start) + section + readme.slice(end + END.length));
console.log(`README.md results updated from ${reportFile}; report copied to ${TARGET}/`);
