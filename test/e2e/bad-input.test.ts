/**
 * Bad input through the built `plotline` binary, one case per kind (issue 11): token-less texts,
 * tiny data, evaluating on training rows, repeated ids, blank numbers, usage errors, model paths,
 * JSON given as CSV, impossible ports. Each checks the exit code, the message (file / line / field /
 * option named, one `error:` line) and that nothing was written.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_CLI, realSubsetSuite, skipWithoutSharedData, runBuiltCli } from './real-subset.js';

const skip = skipWithoutSharedData;
const work = mkdtempSync(join(tmpdir(), 'plotline-bad-input-'));
const data = join(work, 'titles.csv');
const split = join(work, 'split.csv');
const model = join(work, 'model');
realSubsetSuite({ work, dataFile: data, splitFile: split });

const plotline = runBuiltCli;

/** Exit 1, nothing on stdout, one `error:` line (plus an optional usage hint) and no stack trace. */
function assertError(result: { stdout: string; stderr: string; code: number }, pattern: RegExp, hint?: string): void {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^error: /);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  const lines = result.stderr.trimEnd().split('\n');
  if (hint === undefined) assert.equal(lines.length, 1, result.stderr);
  else assert.deepEqual(lines.slice(1), [`(see ${hint} --help)`]);
}

before(async () => {
  if (skip) return;
  const trained = await plotline('train', '--data', data, '--split', split, '--out', model, '--epochs', '2', '--config', '{"buckets":4096,"embeddingDim":16}', '--quiet');
  assert.equal(trained.code, 0, trained.stderr);
});

test('texts without words are refused everywhere: arguments, --input rows (skip reports the line), explain', { skip }, async () => {
  for (const text of ['', '   ', '🎬🍿🔪']) {
    assertError(await plotline('predict', '--model', model, text), /error: the description (is empty|has no words)/);
  }
  assertError(await plotline('predict', '--model', model, 'A heist.', '...'), /description 2 \(of 2\) has no words/);
  assertError(await plotline('explain', '--model', model, '🍿'), /the description to explain has no words/);

  const input = join(work, 'tokenless.csv');
  writeFileSync(input, 'show_id,description\na,Two friends start a band.\nb,🎬🍿🔪\nc,A ghost haunts a family.\n');
  const output = join(work, 'tokenless.jsonl');
  const failed = await plotline('predict', '--model', model, '--input', input, '--output', output);
  assertError(failed, /tokenless\.csv, line 3, field "description": description has no words/);
  assert.equal(existsSync(output), false, 'nothing written');
  const skipped = await plotline('predict', '--model', model, '--input', input, '--output', output, '--on-error', 'skip');
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stderr, /line 3, field "description": description has no words/);
  assert.deepEqual(readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id), ['a', 'c']);
});

test('predict --input with a repeated id warns and scores every row', { skip }, async () => {
  const input = join(work, 'repeats.jsonl');
  writeFileSync(input, ['{"id":"x","text":"A spy story."}', '{"id":"y","text":"A love story."}', '{"id":"x","text":"A spy story again."}'].join('\n') + '\n');
  const result = await plotline('predict', '--model', model, '--input', input);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^warning: 1 row\(s\) of .*repeats\.jsonl repeat an earlier id \(first: id "x" on line 3, already on line 1\)/m);
  // The file's keys are not the training file's: which were read is said first.
  assert.deepEqual(result.stderr.split('\n').slice(0, 2), ['column text: text (detected; the model was trained with column "description")', 'column id: id (detected; the model was trained with column "show_id")']);
  assert.equal(result.stdout.trim().split('\n').length, 3);
});

test('a tiny data set is refused before training, saying how many titles are needed, and writes no model', { skip }, async () => {
  const tiny = join(work, 'tiny.csv');
  writeFileSync(tiny, readFileSync(data, 'utf8').split('\r\n').slice(0, 13).join('\r\n') + '\r\n');
  const out = join(work, 'tiny-model');
  assertError(await plotline('train', '--data', tiny, '--out', out, '--quiet'), /validation slice is empty .*at least 1 validation title/);
  assert.equal(existsSync(out), false, 'nothing written');
});

test('evaluate without --split on the training file warns that it scores training rows', { skip }, async () => {
  const all = await plotline('evaluate', '--model', model, '--data', data, '--json');
  assert.equal(all.code, 0, all.stderr);
  const trainRows = readFileSync(split, 'utf8').split('\n').filter((l) => l.endsWith(',train')).length;
  assert.match(all.stderr, new RegExp(`^warning: ${trainRows} of the 300 titles scored are training titles of this model .*pass --split`));
  assert.equal(JSON.parse(all.stdout).trainingRows, trainRows);
  const honest = await plotline('evaluate', '--model', model, '--data', data, '--split', split, '--json');
  assert.equal(honest.code, 0, honest.stderr);
  assert.equal(honest.stderr, '', 'the test fold alone: no warning');
});

test('options: blank numbers refused, usage errors with a one-line hint, one error style', { skip }, async () => {
  for (const blank of ['', ' ']) {
    assertError(await plotline('predict', '--model', model, '--threshold', blank, 'A heist.'), /--threshold <x>' argument '\s*' is invalid\. expected a number from 0 to 1/, 'plotline predict');
  }
  assertError(await plotline('train', '--data', data, '--epochs', 'Infinity', '--out', join(work, 'e')), /--epochs <n>.*expected a whole number >= 1/, 'plotline train');
  assertError(await plotline('evaluate', '--data', data), /required option '--model <dir>' not specified/, 'plotline evaluate');
  assertError(await plotline('predict', '--model', model, '--input', data, 'A heist.'), /give either descriptions or --input, not both/, 'plotline predict');
  assertError(await plotline('serve', '--model', model, '--port', '99999'), /expected a TCP port from 0 to 65535, got "99999"/, 'plotline serve');
  const help = await plotline('predict', '--help');
  assert.match(help.stdout, /--model <dir>\s+model folder from `plotline train` \(required\)/);
});

test('--model: a missing folder is named as such; the manifest path is accepted', { skip }, async () => {
  assertError(await plotline('predict', '--model', join(work, 'missing'), 'A heist.'), /missing: no such model folder; expected the folder written by `plotline train --out DIR`/);
  const viaManifest = await plotline('predict', '--model', join(model, 'manifest.json'), '--json', 'A detective hunts a killer.');
  assert.equal(viaManifest.code, 0, viaManifest.stderr);
  assert.ok(JSON.parse(viaManifest.stdout).genres.length >= 1);
});

test('--data pointing at JSON says it looks like JSON, not CSV, and writes nothing', { skip }, async () => {
  const json = join(work, 'titles.json');
  writeFileSync(json, JSON.stringify([{ show_id: '1', description: 'x', listed_in: 'Dramas' }]));
  const out = join(work, 'json-model');
  assertError(await plotline('train', '--data', json, '--out', out), /titles\.json.*looks like JSON, not CSV/);
  assert.equal(existsSync(out), false);
  assertError(await plotline('evaluate', '--model', model, '--data', json), /looks like JSON, not CSV/);
});
