/**
 * `plotline explain` says what predict says about the genre rules and the title's fields, run
 * in-process on the tiny saved model that reads `type` and `country` (families by `type`, a cap of one
 * genre, a threshold of 0.05 so that every answer has genres the rules removed).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { explainCommand, type ExplainCommandOptions } from '../../../src/cli/commands/explain.js';
import { predictCommand } from '../../../src/cli/commands/predict.js';
import { savedFieldsModel, type SavedFixture } from '../../serving/fixtures.js';
import { captureOutput } from '../../helpers/capture-output.js';

let fixture: SavedFixture;
before(async () => {
  fixture = await savedFieldsModel();
});
after(() => fixture.remove());

const TEXT = 'two friends fall in love in paris';
const explainRun = (extra: Partial<ExplainCommandOptions> = {}) =>
  captureOutput(() => explainCommand({ model: fixture.modelDir, text: TEXT, genre: [], json: false, backend: 'wasm', ...extra }));

test('explain names the genres the rules removed and why, as predict does', async () => {
  const run = await explainRun({ field: ['type=Movie', 'country=France'] });
  assert.equal(run.error, null, String(run.error));
  const line = run.stdout.split('\n').find((l) => l.startsWith('removed by the genre rules: '));
  assert.ok(line !== undefined, run.stdout);
  // The same words as predict's answer for the same title.
  const predicted = await captureOutput(() => predictCommand({ model: fixture.modelDir, texts: [TEXT], field: ['type=Movie', 'country=France'], json: false, onError: 'fail', backend: 'wasm', quiet: true }));
  assert.ok(predicted.stdout.includes(`  ${line}\n`), `${predicted.stdout}\nvs\n${line}`);
  assert.match(line, /Thrillers \(not Movie genres; type given\)/);
  assert.doesNotMatch(run.stderr, /none of them/, 'fields were given');

  const json = await explainRun({ field: ['type=Movie', 'country=France'], json: true });
  const out = JSON.parse(json.stdout) as { removed?: string[]; family?: { value: string; given: boolean } };
  assert.ok(out.removed?.includes('Thrillers'), json.stdout);
  assert.deepEqual(out.family, { value: 'Movie', given: true });
});

test('explain warns when a model that reads fields gets none, as predict does', async () => {
  const run = await explainRun();
  assert.equal(run.error, null, String(run.error));
  assert.match(run.stderr, /^warning: the model reads type, country; the title has none of them on the command line \(give them with --field NAME=VALUE\)/m);
  const predicted = await captureOutput(() => predictCommand({ model: fixture.modelDir, texts: [TEXT], json: false, onError: 'fail', backend: 'wasm', quiet: true }));
  const warning = (s: string) => s.split('\n').find((l) => l.includes('none of them'));
  assert.equal(warning(run.stderr), warning(predicted.stderr));
});

test('explain --genre of a genre outside the held family says why it scores 0 (text and --json)', async () => {
  const run = await explainRun({ field: ['type=Movie'], genre: ['Thrillers'] });
  assert.equal(run.error, null, String(run.error));
  assert.match(run.stdout, /^Thrillers {2}0\.000 {2}\(not predicted: threshold 0\.050\)$/m);
  assert.match(run.stdout, /^ {2}\(Thrillers is not a Movie genre \(type given\): the genre rules set it to 0, so no word moves it\)$/m);
  const json = JSON.parse((await explainRun({ field: ['type=Movie'], genre: ['Thrillers', 'Dramas'], json: true })).stdout) as { explanations: { genre: string; ruledOut?: string }[] };
  assert.match(json.explanations.find((e) => e.genre === 'Thrillers')?.ruledOut ?? '', /not a Movie genre/);
  assert.equal(json.explanations.find((e) => e.genre === 'Dramas')?.ruledOut, undefined, 'a Movie genre is not ruled out');
});
