import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js';
import { genresByTrainFrequency } from '../../src/report/genre-order.js';
import type { CompareReport } from '../../src/report/report-data.js';
import { AWKWARD_GENRE, FAILURE, sampleReport } from './sample-report.js';

/** The cells of a Markdown table row, split on the `|` that are not escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|\s?/, '')
    .replace(/\s?\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The rows of the table whose header line starts with `| first |`, header and divider excluded. */
function tableRows(markdown: string, first: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  assert.ok(start !== -1, `a table starting with column "${first}"`);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(cells(lines[i]));
  return rows;
}

function header(markdown: string, first: string): string[] {
  return cells(markdown.split('\n').find((l) => l.startsWith(`| ${first} |`))!);
}

test('title line names the date, data file (not its folder), split and seed', () => {
  const md = renderMarkdown(sampleReport());
  const title = md.split('\n')[0];
  assert.equal(title, '# Model comparison, 2026-11-24: netflix\\_titles.csv, split split.csv, seed 42');
  assert.ok(!md.includes('/home/someone'));
});

test('the model table has one row per model, the failed one with its escaped error', () => {
  const report = sampleReport();
  const md = renderMarkdown(report);
  const columns = header(md, 'model').length;
  const rows = tableRows(md, 'model');
  assert.deepEqual(rows.map((r) => r[0]), report.models.map((m) => m.name));
  for (const row of rows) assert.equal(row.length, columns, `row ${row[0]} has every column`);
  const failed = rows.find((r) => r[0] === 'cnn')!;
  assert.equal(failed[2], 'description');
  assert.equal(failed[3], `failed: ${escapeMarkdown(FAILURE)}`);
  assert.ok(failed[3].includes('&lt;conv1d&gt;') && failed[3].includes('\\|'));
  assert.ok(failed.slice(4).every((c) => c === ''));
  const use = rows.find((r) => r[0] === 'use')!;
  assert.ok(use.includes('12.0 (cached embeddings)'));
  assert.ok(use.includes('44.6k + 27.0M frozen'));
});

test('the model table says which genre rules each model obeyed', () => {
  const report = sampleReport();
  const column = (md: string) => header(md, 'model').indexOf('genre rules');
  let md = renderMarkdown(report);
  const at = column(md);
  assert.ok(at > 0, 'a genre rules column');
  const ruleCell = (name: string) => tableRows(md, 'model').find((r) => r[0] === name)![at];
  assert.equal(ruleCell('bag'), 'type by total, at most 3');
  assert.equal(ruleCell('use'), 'off');
  report.models[0].rules = { familyField: 'type', familyGiven: true, unknownFamily: 'total', maxGenres: 2 };
  md = renderMarkdown(report);
  assert.equal(ruleCell('bag'), 'type given, at most 2');
});

test('the model table says how each model chose its thresholds', () => {
  const report = sampleReport();
  report.models[0].thresholds = { mode: 'perGenre', global: 0.59, priorShift: 0.5 };
  report.models[2].thresholds = { mode: 'global', global: 0.35 };
  const md = renderMarkdown(report);
  const at = header(md, 'model').indexOf('thresholds');
  assert.ok(at > 0, 'a thresholds column');
  const rows = tableRows(md, 'model');
  assert.equal(rows.find((r) => r[0] === report.models[0].name)![at], '0.59 shifted 0.5');
  assert.equal(rows.find((r) => r[0] === report.models[2].name)![at], 'global 0.35');
});

/** Asserts that in `column` exactly the rows of the models with the highest `value` (as shown) are bold. */
function assertBestBold(report: CompareReport, column: string, value: (m: CompareReport['models'][number]) => number): void {
  const md = renderMarkdown(report);
  const c = header(md, 'model').indexOf(column);
  assert.ok(c > 0, `column ${column}`);
  const scored = report.models.filter((m) => m.status === 'ok');
  const best = Math.max(...scored.map((m) => Number(value(m).toFixed(3))));
  const expected = scored.filter((m) => Number(value(m).toFixed(3)) === best).map((m) => m.name);
  const rows = tableRows(md, 'model');
  const bold = rows.filter((r) => /^\*\*.+\*\*$/.test(r[c])).map((r) => r[0]);
  assert.deepEqual(bold, expected, `bold in ${column}`);
  for (const row of rows.filter((r) => bold.includes(r[0]))) assert.equal(row[c], `**${best.toFixed(3)}**`);
}

test('the best tuned micro-F1 and macro-F1 are bold, found from the data', () => {
  const report = sampleReport();
  assertBestBold(report, 'micro-F1 tuned', (m) => m.test!.tuned.microF1);
  assertBestBold(report, 'macro-F1 tuned', (m) => m.test!.tuned.macroF1);
  // No other column is bolded.
  const boldCells = renderMarkdown(report).split('\n').join(' ').match(/\*\*[^*]+\*\*/g) ?? [];
  assert.equal(boldCells.length, 2);
});

test('models that tie as displayed are all bold; swapping the scores moves the bold', () => {
  const report = sampleReport();
  const [bag, , use] = report.models;
  use.test!.tuned.microF1 = bag.test!.tuned.microF1 + 0.0001; // same to 3 decimals
  bag.test!.tuned.macroF1 = use.test!.tuned.macroF1 + 0.05;
  assertBestBold(report, 'micro-F1 tuned', (m) => m.test!.tuned.microF1);
  assertBestBold(report, 'macro-F1 tuned', (m) => m.test!.tuned.macroF1);
  const rows = tableRows(renderMarkdown(report), 'model');
  assert.equal(rows.filter((r) => r.some((c) => c.startsWith('**'))).length, 2);
});

test('per-genre table: one row per genre, most frequent first, one column per scored model', () => {
  const report = sampleReport();
  const md = renderMarkdown(report);
  assert.deepEqual(header(md, 'genre'), ['genre', 'train titles', 'test titles', 'bag', 'use']);
  const rows = tableRows(md, 'genre');
  const order = genresByTrainFrequency(report);
  assert.deepEqual(rows.map((r) => r[0]), order.map((g) => escapeMarkdown(report.genres[g])));
  const trainCounts = rows.map((r) => Number(r[1].replace(/,/g, '')));
  assert.deepEqual(trainCounts, [...trainCounts].sort((a, b) => b - a));
  const awkward = report.genres.indexOf(AWKWARD_GENRE);
  const row = rows.find((r) => r[0] === escapeMarkdown(AWKWARD_GENRE))!;
  assert.equal(row.length, 5, 'the | in the name does not split the cell');
  assert.deepEqual(row.slice(3), [report.models[0].test!.perGenreF1[awkward].toFixed(3), report.models[2].test!.perGenreF1[awkward].toFixed(3)]);
});

test('names from the data cannot inject Markdown or HTML', () => {
  assert.equal(escapeMarkdown(AWKWARD_GENRE), 'Cult, "B" & &lt;Midnight&gt; \\| \\*Movies\\*');
  assert.equal(escapeMarkdown('a_b [x](y) `c` ~~d~~ &amp; \\'), 'a\\_b \\[x\\](y) \\`c\\` \\~\\~d\\~\\~ &amp;amp; \\\\');
  assert.equal(escapeMarkdown('two\nlines'), 'two lines');
  const md = renderMarkdown(sampleReport());
  assert.ok(!md.includes('<'), 'no raw < anywhere');
});

test('chart links are relative, get an optional prefix, and skip files that were not written', () => {
  const report = sampleReport();
  const md = renderMarkdown(report);
  const links = [...md.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(links, [
    'validation-f1.svg', 'validation-f1.png', 'per-genre-f1.svg', 'per-genre-f1.png',
    'genre-frequency.svg', 'genre-frequency.png', 'threshold-tradeoff.svg', 'threshold-tradeoff.png',
  ]);
  const embedded = renderMarkdown(report, { headingLevel: 3, linkPrefix: 'reports/compare/' });
  assert.ok(embedded.startsWith('### Model comparison'));
  assert.ok(embedded.includes('#### Charts'));
  assert.ok(embedded.includes('](reports/compare/per-genre-f1.svg)'));
  const partial = renderMarkdown(report, {
    charts: [
      { name: 'validation-f1', svg: true, png: false },
      { name: 'per-genre-f1', svg: false, png: false },
    ],
    notes: ['PNG rendering failed for validation-f1 (no fonts).'],
  });
  assert.ok(partial.includes('> PNG rendering failed for validation-f1 (no fonts).'));
  const partialLinks = [...partial.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(partialLinks, ['validation-f1.svg']);
});

test('a report where every model failed still renders', () => {
  const report = sampleReport();
  for (const model of report.models) {
    model.status = 'failed';
    model.error = 'boom';
    delete model.test;
  }
  const md = renderMarkdown(report);
  assert.equal(tableRows(md, 'model').length, 3);
  assert.ok(!md.includes('**'));
  assert.deepEqual(header(md, 'genre'), ['genre', 'train titles', 'test titles']);
});
