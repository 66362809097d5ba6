import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHARTS } from '../../src/report/chart-catalog.js';
import { chartSpecs } from '../../src/report/charts.js';
import { toPng, toSvg } from '../../src/report/render-chart.js';
import { textWidth } from '../../src/report/text-metrics.js';
import type { CompareReport } from '../../src/report/report-data.js';
import { sampleReport } from './sample-report.js';
import { assertWellFormed } from './well-formed.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The awkward genre as an SVG text node holds it: escaped, never raw. */
const AWKWARD_IN_SVG = 'Cult, "B" &amp; &lt;Midnight&gt; | *Movies*';

async function renderAll(report: CompareReport): Promise<Record<string, string>> {
  const specs = chartSpecs(report);
  const svgs: Record<string, string> = {};
  for (const { name } of CHARTS) svgs[name] = await toSvg(specs[name]);
  return svgs;
}

test('every chart is an SVG document naming the scored models and not the failed one', async () => {
  const report = sampleReport();
  const svgs = await renderAll(report);
  assert.deepEqual(Object.keys(svgs), CHARTS.map((c) => c.name));
  for (const [name, svg] of Object.entries(svgs)) {
    assert.ok(svg.startsWith('<svg'), `${name} starts with <svg`);
    assertWellFormed(svg);
    assert.ok(!svg.includes('<Midnight>'), `${name} escapes genre names`);
    if (name !== 'genre-frequency') {
      for (const model of ['bag', 'use']) assert.ok(svg.includes(`>${model}</text>`), `${name} has a legend entry for ${model}`);
      assert.ok(!svg.includes('>cnn</text>'), `${name} leaves out the failed model`);
    }
  }
  for (const name of ['per-genre-f1', 'genre-frequency']) {
    assert.ok(svgs[name].includes(`>${AWKWARD_IN_SVG}</text>`), `${name} labels the awkward genre in full`);
    assert.ok(svgs[name].includes('>International Movies</text>'));
  }
  assert.ok(svgs['validation-f1'].includes('>micro-F1</text>') && svgs['validation-f1'].includes('>macro-F1</text>'));
});

test('long genre names are laid out at their real width, not cut to an ellipsis', async () => {
  const report = sampleReport(['Stand-Up Comedy & Talk Shows', 'Spanish-Language TV Shows', 'Dramas']);
  const svg = await toSvg(chartSpecs(report)['per-genre-f1']);
  assert.ok(svg.includes('>Stand-Up Comedy &amp; Talk Shows</text>'));
  assert.ok(!svg.includes('\u2026'));
  // Liberation Sans draws "International Movies" at 11 px 97 px wide (resvg's ink box; advances add
  // a little); Vega's own guess without a canvas is 176.
  assert.ok(Math.abs(textWidth('International Movies', 11) - 98.4) < 0.5);
});

test('charts render when models failed, lack history or lack a threshold curve', async () => {
  const report = sampleReport();
  delete report.models[2].history; // e.g. an ensemble
  report.models[2].test!.thresholdCurve = [];
  const svgs = await renderAll(report);
  assert.ok(!svgs['validation-f1'].includes('>use</text>'));
  assert.ok(svgs['validation-f1'].includes('>bag</text>'));
  assert.ok(!svgs['threshold-tradeoff'].includes('>use</text>'));

  for (const model of report.models) {
    model.status = 'failed';
    delete model.test;
    delete model.history;
  }
  const empty = await renderAll(report);
  for (const name of ['validation-f1', 'per-genre-f1', 'threshold-tradeoff']) {
    assert.ok(empty[name].startsWith('<svg'));
    assert.ok(empty[name].includes('>no data</text>'), `${name} says it has no data`);
  }
  assert.ok(empty['genre-frequency'].includes('>Dramas</text>'), 'genre counts do not depend on models');
});

test('a model keeps its colour in every chart', async () => {
  const specs = chartSpecs(sampleReport());
  const colours = JSON.stringify(specs).match(/"domain":\["bag","use"\],"range":\[[^\]]+\]/g) ?? [];
  assert.ok(colours.length >= 3);
  assert.equal(new Set(colours).size, 1);
});

test('PNG rendering gives a PNG image twice the SVG size', async () => {
  const svg = await toSvg(chartSpecs(sampleReport())['threshold-tradeoff']);
  const png = toPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
  assert.equal(width, 2 * Number(/width="(\d+)"/.exec(svg)![1]));
});
