import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHARTS } from '../../src/report/chart-catalog.js';
import { chartSpecs } from '../../src/report/charts.js';
import { escapeHtml, inlineSvg, renderHtml, type InlineChart } from '../../src/report/html.js';
import { toSvg } from '../../src/report/render-chart.js';
import { AWKWARD_GENRE, FAILURE, sampleReport } from './sample-report.js';
import { assertWellFormed } from './well-formed.js';

const report = sampleReport();

async function charts(): Promise<InlineChart[]> {
  const specs = chartSpecs(report);
  return Promise.all(CHARTS.map(async ({ name }) => ({ name, svg: await toSvg(specs[name]) })));
}

test('the page is self-contained: every chart inline, no script, no URL but the SVG namespace', async () => {
  const html = renderHtml(report, await charts());
  assertWellFormed(html, { html: true });
  assert.equal(html.match(/<svg[\s>]/g)?.length, CHARTS.length);
  for (const { name, title } of CHARTS) assert.ok(html.includes(`<figure id="${name}" aria-label="${escapeHtml(title)}">`));
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|src=/i);
  const urls = html.match(/https?:\/\/[^\s"')<]*/g) ?? [];
  assert.ok(urls.length > 0);
  assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg']);
  assert.equal(html.match(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g)?.length, CHARTS.length);
});

test('the tables show every model, the failure across its row and the best values bold', async () => {
  const html = renderHtml(report, []);
  assertWellFormed(html, { html: true });
  const rows = html.match(/<tr>.*<\/tr>/g) ?? [];
  assert.equal(rows.length, 1 + report.models.length + 1 + report.genres.length);
  assert.ok(html.includes(`<td colspan="18" class="failed">failed: ${escapeHtml(FAILURE)}</td>`));
  const best = Math.max(...report.models.filter((m) => m.test).map((m) => m.test!.tuned.microF1));
  assert.ok(html.includes(`<strong>${best.toFixed(3)}</strong>`));
  assert.equal(html.match(/<strong>/g)?.length, 2);
});

test('names from the data are escaped everywhere on the page', async () => {
  const html = renderHtml(report, await charts(), { notes: ['PNG rendering failed for <all> & more'] });
  assert.ok(!html.includes('<Midnight>') && !html.includes('<conv1d>') && !html.includes('<all>'));
  assert.ok(html.includes(`<td>${escapeHtml(AWKWARD_GENRE)}</td>`));
  assert.ok(html.includes('<p class="note">PNG rendering failed for &lt;all&gt; &amp; more</p>'));
});

test('ids inside inlined SVGs get a per-chart prefix', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"/><use href="#clip1"/></svg>';
  assert.equal(
    inlineSvg(svg, 'a-'),
    '<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="a-clip1"><rect/></clipPath></defs><g clip-path="url(#a-clip1)"/><use href="#a-clip1"/></svg>',
  );
});
