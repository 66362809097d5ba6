/**
 * `predict --scores all|decided|none` on texts given as arguments: `--json` prints predict()'s objects
 * restricted as asked (key order kept), and the human-readable answer refuses the option.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { predictCommand, type PredictCommandOptions } from '../../../src/cli/commands/predict.js';
import { UsageError } from '../../../src/cli/usage.js';
import { restrictScores } from '../../../src/batch/score-choice.js';
import { openModel } from '../../../src/models/open-model.js';
import { TEXTS } from '../../models/fixtures.js';
import { savedTinyModel, type SavedFixture } from '../../serving/fixtures.js';
import { captureOutput } from '../../helpers/capture-output.js';

let fixture: SavedFixture;
before(async () => {
  fixture = await savedTinyModel();
});
after(() => fixture.remove());

const texts = TEXTS.slice(0, 4);
const predict = (extra: Partial<PredictCommandOptions>) =>
  captureOutput(() => predictCommand({ model: fixture.modelDir, texts, json: true, onError: 'fail', backend: 'wasm', quiet: true, ...extra }));

test('predict --json --scores: each line is predict()\'s object restricted the same way; all is the default', async () => {
  const { classifier } = await openModel(fixture.modelDir, { backend: 'wasm' });
  const predictions = await classifier.predict(texts, { topK: 2 }).finally(() => classifier.dispose());
  const byDefault = await predict({ topK: 2 });
  assert.equal(byDefault.error, null);
  for (const choice of ['all', 'decided', 'none'] as const) {
    const { stdout, error } = await predict({ topK: 2, scores: choice });
    assert.equal(error, null);
    assert.equal(stdout, predictions.map((p, i) => JSON.stringify({ id: i + 1, ...restrictScores(p, choice) }) + '\n').join(''), choice);
    if (choice === 'all') assert.equal(stdout, byDefault.stdout);
    else assert.notEqual(stdout, byDefault.stdout);
  }
});

test('--scores without --json on texts given as arguments is a usage error saying where it applies', async () => {
  const { error } = await predict({ json: false, scores: 'none' });
  assert.ok(error instanceof UsageError, String(error));
  assert.match((error as Error).message, /--scores is for JSON output: --json, or --input FILE/);
});
