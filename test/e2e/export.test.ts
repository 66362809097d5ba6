/**
 * ONNX export end to end through the built CLI, as a user runs it: train a small `bag` on 300 real
 * titles (reading the catalogue's fields, as `train` does by default), `plotline export --format onnx`,
 * then score titles in ONNX Runtime using only the exported files (the side file's featurisation and
 * field vectorizer rebuild the inputs) and compare with `plotline predict --input` on the same titles:
 * the same probabilities within 1e-5. Needs ../shared/data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { vectorizerFromJSON } from '../../src/models/vectorizers/vectorizer-json.js';
import type { VectorizerJSON } from '../../src/models/vectorizers/vectorizer.js';
import { FieldVectorizer } from '../../src/models/fields/field-vectorizer.js';
import { parse } from 'csv-parse/sync';
import { BUILT_CLI, realSubsetSuite, skipWithoutSharedData } from './real-subset.js';

const run = promisify(execFile);
const skip = skipWithoutSharedData;
const work = mkdtempSync(join(tmpdir(), 'plotline-e2e-export-'));
const data = join(work, 'titles.csv');
const split = join(work, 'split.csv');
const model = join(work, 'model');
realSubsetSuite({ work, dataFile: data, splitFile: split });

const plotline = async (...args: string[]) => (await run(process.execPath, [BUILT_CLI, ...args], { env: { ...process.env, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 })).stdout;

test('plotline export: ONNX Runtime on the exported files gives predict --input\'s scores', { skip }, async () => {
  await plotline('train', '--data', data, '--split', split, '--model', 'bag', '--out', model, '--epochs', '2', '--seed', '3', '--config', '{"buckets":4096,"embeddingDim":16}', '--quiet');
  const out = join(work, 'bag.onnx');
  const written = JSON.parse(await plotline('export', '--model', model, '--format', 'onnx', '--out', out, '--json'));
  assert.equal(written.kind, 'bag');
  const side = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
  assert.deepEqual(side.inputs.map((i: { name: string }) => i.name), ['ids', 'field_ids'], 'the trained model reads catalogue fields, so the graph takes them');

  // The first 40 titles with their fields, scored by predict --input as the reference; the first 5
  // without any field (scored from the text alone, the fusion's field-less weights, in both).
  const vectorizer = FieldVectorizer.fromJSON(side.fields.vectorizer);
  const titles = (parse(readFileSync(data), { columns: true, bom: true }) as Record<string, string>[])
    .slice(0, 40)
    .map((t, i) => (i < 5 ? { show_id: t.show_id, description: t.description } : t));
  const subset = join(work, 'subset.jsonl');
  writeFileSync(subset, titles.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const predicted = (await plotline('predict', '--model', model, '--input', subset)).trim().split('\n').map((l) => JSON.parse(l).scores as Record<string, number>);
  assert.equal(predicted.length, 40);
  const encoder = vectorizerFromJSON(side.featurisation as VectorizerJSON);
  const fieldsOf = (t: Record<string, string>) => Object.fromEntries(side.fields.names.filter((n: string) => (t[n] ?? '').trim() !== '').map((n: string) => [n, t[n]]));
  const ids = padded(titles.map((t) => Array.from(encoder.encode(t.description))));
  const fieldIds = padded(titles.map((t) => Array.from(vectorizer.transform(fieldsOf(t))).map((f) => f + 1)));
  const session = await ort.InferenceSession.create(out);
  const scores = (await session.run({ ids: ids.tensor, field_ids: fieldIds.tensor })).scores.data as Float32Array;
  await session.release();
  const k = side.genres.length;
  // Plotline applies the genre-set rules after scoring (a removed genre scores 0); the graph's scores
  // come before them (the side file's `rules` describe them), so removed genres (the other family's,
  // and those past the cap) are not compared: every title's kept genres are.
  let compared = 0;
  titles.forEach((title, r) => {
    side.genres.forEach((genre: string, g: number) => {
      if (predicted[r][genre] === 0 && side.rules !== null) return;
      compared += 1;
      assert.ok(Math.abs(scores[r * k + g] - predicted[r][genre]) <= 1e-5, `${title.show_id}, ${genre}: ONNX ${scores[r * k + g]} vs predict ${predicted[r][genre]}`);
    });
  });
  const kept = side.rules === null ? k : Math.min(k, side.rules.maxGenres ?? k);
  assert.ok(compared >= titles.length * kept, `only ${compared} of ${titles.length * k} scores compared`);
});

/** Rows of ids as an int64 tensor, padded at the end with 0 (at least one column). */
function padded(rows: number[][]): { tensor: ort.Tensor } {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => row.forEach((v, c) => (data[r * width + c] = BigInt(v))));
  return { tensor: new ort.Tensor('int64', data, [rows.length, width]) };
}
