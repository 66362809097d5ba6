/**
 * Warnings of `predict --input` about the rows' catalogue fields, run in-process on a tiny saved model
 * that reads `type` and `country` and has families by `type` (Movie / TV Show).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { predictCommand, type PredictCommandOptions } from '../../../src/cli/commands/predict.js';
import { savedFieldsModel, type SavedFixture } from '../../serving/fixtures.js';
import { fixtureFolder } from '../../helpers/files.js';
import { captureOutput } from '../../helpers/capture-output.js';

const files = fixtureFolder('predict-input-warnings');
let fixture: SavedFixture;

before(async () => {
  fixture = await savedFieldsModel();
});
after(() => fixture.remove());

const predictFile = (input: string, extra: Partial<PredictCommandOptions> = {}) =>
  captureOutput(() =>
    predictCommand({ model: fixture.modelDir, texts: [], input, output: join(files.dir, 'out.jsonl'), json: false, onError: 'fail', backend: 'wasm', quiet: true, ...extra }),
  );

test('predict --input warns once about rows whose family value the model does not know: count, first lines, values as written, what the rules do', async () => {
  const input = files(
    'cartoons.csv',
    ['show_id,description,type,country', '1,a killer robot,Movie,India', '2,love,Cartoon,France', '3,a family drama about an old house,tv show,India', '4,two friends fall in love in paris,CARTOON,France', '5,love,,India'].join('\n') + '\n',
  );
  const run = await predictFile(input);
  assert.equal(run.error, null, String(run.error));
  const warnings = run.stderr.split('\n').filter((l) => l.includes('does not know'));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(warnings[0], /^warning: 2 row\(s\) of .*cartoons\.csv have a type the model does not know \("Cartoon", "CARTOON"; lines 3, 5\); it knows TV Show, Movie\./);
  assert.match(warnings[0], /scored as if type were missing: the family is chosen by the validation rule "(total|max)"/);
  const clean = await predictFile(files('known.csv', 'show_id,description,type\n1,love,Movie\n2,a killer robot,\n'));
  assert.doesNotMatch(clean.stderr, /does not know/);
});
