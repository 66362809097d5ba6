import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHARTS } from '../../src/report/chart-catalog.js';
import { writeReport } from '../../src/report/write-report.js';
import { PlotlineError } from '../../src/util/errors.js';
import { sampleReport } from './sample-report.js';

const root = await mkdtemp(join(tmpdir(), 'plotline-report-test-'));
after(() => rm(root, { recursive: true, force: true }));

const EVERY_FILE = [
  'report.json',
  'report.md',
  'report.html',
  ...CHARTS.flatMap(({ name }) => [`${name}.svg`, `${name}.png`]),
].sort();

let cases = 0;
async function freshParent(): Promise<string> {
  const parent = join(root, `case-${++cases}`);
  await mkdir(parent);
  return parent;
}

test('writes every file into the folder and leaves nothing else beside it', async () => {
  const parent = await freshParent();
  const dir = join(parent, 'compare');
  const report = sampleReport();
  const written = await writeReport(report, dir);
  assert.deepEqual(written.warnings, []);
  assert.deepEqual([...written.files].sort(), EVERY_FILE.map((f) => join(dir, f)));
  assert.deepEqual((await readdir(dir)).sort(), EVERY_FILE);
  assert.deepEqual(await readdir(parent), ['compare'], 'no temporary or set-aside folder is left');
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')), report);
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  for (const file of EVERY_FILE.filter((f) => f.endsWith('.svg') || f.endsWith('.png'))) assert.ok(md.includes(`](${file})`), `report.md links ${file}`);
  const png = await readFile(join(dir, 'per-genre-f1.png'));
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});

test('writing over an existing report folder replaces it whole', async () => {
  const parent = await freshParent();
  const dir = join(parent, 'compare');
  await mkdir(dir);
  await writeFile(join(dir, 'stale.txt'), 'from an older comparison');
  await writeFile(join(dir, 'report.md'), 'old');
  await writeReport(sampleReport(), dir);
  assert.deepEqual((await readdir(dir)).sort(), EVERY_FILE);
  assert.notEqual(await readFile(join(dir, 'report.md'), 'utf8'), 'old');
  assert.deepEqual(await readdir(parent), ['compare']);
});

test('a PNG renderer failure still writes the report, says so, and links SVG only', async () => {
  const parent = await freshParent();
  const dir = join(parent, 'compare');
  const written = await writeReport(sampleReport(), dir, {
    render: {
      toPng: () => {
        throw new Error('no fonts\nat all');
      },
    },
  });
  assert.equal(written.warnings.length, 1, 'one warning for one cause');
  assert.match(written.warnings[0], /^PNG rendering failed for validation-f1, per-genre-f1, genre-frequency, threshold-tradeoff \(no fonts at all\)/);
  const files = (await readdir(dir)).sort();
  assert.deepEqual(files, EVERY_FILE.filter((f) => !f.endsWith('.png')));
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  assert.ok(md.includes(`> ${written.warnings[0]}`));
  assert.ok(!md.includes('.png'));
  const html = await readFile(join(dir, 'report.html'), 'utf8');
  assert.ok(html.includes('<p class="note">PNG rendering failed'));
  assert.equal(html.match(/<svg[\s>]/g)?.length, CHARTS.length);
});

test('an SVG failure drops only that chart', async () => {
  const parent = await freshParent();
  const dir = join(parent, 'compare');
  const { toSvg } = await import('../../src/report/render-chart.js');
  let calls = 0;
  const written = await writeReport(sampleReport(), dir, {
    render: { toSvg: (spec) => (++calls === 2 ? Promise.reject(new Error('bad spec')) : toSvg(spec)) },
  });
  assert.deepEqual(written.warnings, ['SVG rendering failed for per-genre-f1 (bad spec); these charts are missing.']);
  const files = await readdir(dir);
  assert.ok(!files.includes('per-genre-f1.svg') && !files.includes('per-genre-f1.png'));
  assert.ok(files.includes('validation-f1.png'));
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  assert.ok(!md.includes('](per-genre-f1.svg)'));
});

test('a file where the folder should go fails with a PlotlineError and leaves it untouched', async () => {
  const parent = await freshParent();
  const dir = join(parent, 'compare');
  await writeFile(dir, 'not a folder');
  await assert.rejects(writeReport(sampleReport(), dir), (error: unknown) => error instanceof PlotlineError && error.message.includes(dir));
  assert.equal(await readFile(dir, 'utf8'), 'not a folder');
  assert.deepEqual(await readdir(parent), ['compare']);
});
