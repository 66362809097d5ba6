/**
 * End to end through the built `plotline` binary on catalogues laid out differently from the Netflix
 * CSV, with nothing but detection: a TSV whose label column is `genre` and whose header has a stray
 * space (`" country"`), and JSON Lines with `overview` and label arrays, both from the real subset.
 * Train (bag, 2 epochs), evaluate and predict on files of the same layout; the detected columns are
 * reported, and when `type` is given no prediction mixes the genre families or exceeds the cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvParse } from 'csv-parse/sync';
import { BUILT_CLI, realSubsetSuite, skipWithoutSharedData, runBuiltCli } from './real-subset.js';

const skip = skipWithoutSharedData;
const work = mkdtempSync(join(tmpdir(), 'plotline-e2e-layouts-'));
const files = { work, dataFile: join(work, 'netflix.csv'), splitFile: join(work, 'split.csv') };
/** A small, quick bag (the e2e suites check the plumbing, not the scores). */
const QUICK = ['--model', 'bag', '--epochs', '2', '--seed', '11', '--config', '{"buckets":4096,"embeddingDim":16}'];

let rows: Record<string, string>[] = [];
let folds = new Map<string, string>();
realSubsetSuite(files, () => {
  // The subset as the helper wrote it, and its folds (show_id -> train | test).
  rows = csvParse(readFileSync(files.dataFile), { columns: true, bom: true }) as Record<string, string>[];
  folds = new Map(readFileSync(files.splitFile, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',') as [string, string]));
});

const plotline = runBuiltCli;

/** A TSV cell: TSV has no quoting, so tabs and line breaks inside a value become spaces. */
const cell = (value: string) => value.replace(/[\t\r\n]+/g, ' ');

interface Rules {
  familyField: string | null;
  families: { value: string; genres: string[] }[];
  maxGenres: number | null;
}

/** Predictions (JSON Lines) against the rules, given each row's type: how many mix families, exceed the cap, or leave their own family. */
function checkRules(predictions: { id: string; genres: string[] }[], typeOf: Map<string, string>, rules: Rules) {
  const familyOf = new Map(rules.families.flatMap((f) => f.genres.map((g) => [g, f.value] as const)));
  let mixed = 0;
  let overCap = 0;
  let wrongFamily = 0;
  for (const p of predictions) {
    const families = new Set(p.genres.map((g) => familyOf.get(g)).filter((f) => f !== undefined));
    if (families.size > 1) mixed++;
    if (rules.maxGenres !== null && p.genres.length > rules.maxGenres) overCap++;
    const type = typeOf.get(p.id);
    if (type !== undefined && [...families].some((f) => f !== type)) wrongFamily++;
  }
  return { mixed, overCap, wrongFamily };
}

test('TSV with `genre` and a " country" header: train by detection, evaluate, predict --input; families and cap hold', { skip }, async () => {
  const header = ['show_id', 'type', 'title', 'director', ' country', 'release_year', 'description', 'genre'];
  const line = (r: Record<string, string>, withGenre = true) =>
    [r.show_id, r.type, r.title, r.director, r.country, r.release_year, r.description, ...(withGenre ? [r.listed_in] : [])].map(cell).join('\t');
  const data = join(work, 'catalogue.tsv');
  writeFileSync(data, [header.join('\t'), ...rows.map((r) => line(r))].join('\n') + '\n');
  const model = join(work, 'tsv-model');

  const trained = await plotline('train', '--data', data, '--split', files.splitFile, ...QUICK, '--out', model);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /column text: description \(detected\)/);
  assert.match(trained.stderr, /column labels: genre \(detected\)/);
  assert.match(trained.stderr, /column id: show_id \(detected\)/);
  assert.match(trained.stderr, /fields: .*\btype\b.*/);
  assert.match(trained.stderr, /fields: .*\bcountry\b/, 'the " country" header is read as country');
  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  assert.equal(manifest.catalogue.columns.labels, 'genre');
  assert.ok(manifest.catalogue.fields.includes('type') && manifest.catalogue.fields.includes('country'), manifest.catalogue.fields.join(', '));
  const rules = manifest.catalogue.rules as Rules;
  assert.equal(rules.familyField, 'type');
  assert.deepEqual(rules.families.map((f) => f.value).sort(), ['Movie', 'TV Show']);
  assert.ok(rules.maxGenres !== null && rules.maxGenres <= 3, `cap ${rules.maxGenres}`);

  const evaluated = await plotline('evaluate', '--model', model, '--data', data, '--split', files.splitFile, '--json');
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const metrics = JSON.parse(evaluated.stdout).metrics;
  assert.ok(metrics.microF1 > 0 && metrics.microF1 <= 1, JSON.stringify(metrics));

  // The test fold, in the same layout without the labels, every row with its type.
  const testRows = rows.filter((r) => folds.get(r.show_id) === 'test');
  assert.ok(testRows.length >= 30, `${testRows.length} test rows`);
  const input = join(work, 'to-score.tsv');
  writeFileSync(input, [header.slice(0, -1).join('\t'), ...testRows.map((r) => line(r, false))].join('\n') + '\n');
  const output = join(work, 'scored.jsonl');
  const predicted = await plotline('predict', '--model', model, '--input', input, '--output', output, '--quiet');
  assert.equal(predicted.code, 0, predicted.stderr);
  const predictions = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; genres: string[]; removed?: string[] });
  assert.deepEqual(predictions.map((p) => p.id), testRows.map((r) => r.show_id), 'one prediction per row, in order, by show_id');
  const outcome = checkRules(predictions, new Map(testRows.map((r) => [r.show_id, r.type])), rules);
  assert.deepEqual(outcome, { mixed: 0, overCap: 0, wrongFamily: 0 });
  assert.ok(predictions.every((p) => p.genres.length >= 1));

  // A low threshold lets genres of both kinds through before the rules: the rules must then act.
  const lowOutput = join(work, 'scored-low.jsonl');
  const low = await plotline('predict', '--model', model, '--input', input, '--output', lowOutput, '--threshold', '0.05', '--quiet');
  assert.equal(low.code, 0, low.stderr);
  const lowPredictions = readFileSync(lowOutput, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; genres: string[]; removed?: string[] });
  assert.deepEqual(checkRules(lowPredictions, new Map(testRows.map((r) => [r.show_id, r.type])), rules), { mixed: 0, overCap: 0, wrongFamily: 0 });
  assert.ok(lowPredictions.some((p) => (p.removed ?? []).length > 0), 'the rules removed genres from some rows');
});

test('JSON Lines with `overview` and label arrays: train by detection; predict --field type holds texts to that family', { skip }, async () => {
  const data = join(work, 'catalogue.jsonl');
  const jsonRow = (r: Record<string, string>) =>
    JSON.stringify({ id: r.show_id, overview: r.description, genres: r.listed_in.split(',').map((g) => g.trim()), type: r.type, country: r.country });
  writeFileSync(data, rows.map(jsonRow).join('\n') + '\n');
  const model = join(work, 'jsonl-model');
  const trained = await plotline('train', '--data', data, '--split', files.splitFile, ...QUICK, '--out', model);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /column text: overview \(detected\)/);
  assert.match(trained.stderr, /column labels: genres \(detected\)/);
  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.catalogue.fields.slice().sort(), ['country', 'type']);
  const rules = manifest.catalogue.rules as Rules;

  const evaluated = await plotline('evaluate', '--model', model, '--data', data, '--split', files.splitFile, '--json');
  assert.equal(evaluated.code, 0, evaluated.stderr);

  const texts = rows.filter((r) => folds.get(r.show_id) === 'test').slice(0, 20).map((r) => r.description);
  for (const type of ['Movie', 'TV Show']) {
    const predicted = await plotline('predict', '--model', model, '--json', '--field', `type=${type}`, ...texts);
    assert.equal(predicted.code, 0, predicted.stderr);
    const predictions = predicted.stdout.trim().split('\n').map((l, i) => ({ id: String(i), ...(JSON.parse(l) as { genres: string[] }) }));
    assert.equal(predictions.length, texts.length);
    const outcome = checkRules(predictions, new Map(predictions.map((p) => [p.id, type])), rules);
    assert.deepEqual(outcome, { mixed: 0, overCap: 0, wrongFamily: 0 }, type);
  }
});
