import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { evaluateCommand } from '../../../src/cli/commands/evaluate.js';
import { reconcileLabels } from '../../../src/data/labels.js';
import { saveTinyModel } from '../../models/fixtures.js';
import { fixtureFolder } from '../../helpers/files.js';
import { captureOutput } from '../../helpers/capture-output.js';

const files = fixtureFolder('evaluate-labels');
const model = join(files.dir, 'model');

before(async () => {
  await saveTinyModel(model); // genres Comedies, Dramas, Thrillers
});

test('evaluate --merge-labels merges lookalike spellings into the model\'s genre, not the file\'s commonest, and warns for each merge', async () => {
  const data = files(
    'later.csv',
    ['show_id,description,listed_in', '1,two friends fall in love in paris,comedies', '2,a killer robot,"comedies, Thrillers"', '3,love,Comedies', '4,a family drama about an old house,Dramas'].join('\n') + '\n',
  );
  const run = await captureOutput(() =>
    evaluateCommand({ model, data, fold: 'all', perGenre: false, json: true, mergeLabels: true, seed: 1, backend: 'wasm', cacheDir: join(files.dir, 'cache') }),
  );
  assert.equal(run.error, null, String(run.error));
  const report = JSON.parse(run.stdout) as { unknownGenres: Record<string, number> };
  assert.deepEqual(report.unknownGenres, {}, 'every merged label is one of the model\'s genres');
  assert.match(run.stderr, /warning: merged label "comedies" \(2 titles\) into "Comedies" \(the model's genre\) in .*later\.csv, column listed_in/);
});

test('reconcileLabels prefers a given spelling, merges a lone different spelling into it, and warns once per merged spelling', () => {
  const counts = new Map([
    ['Kids TV', 3],
    ["kids' tv", 1],
    ['Dramas', 2],
    ['Crime  TV', 1],
  ]);
  const merged = reconcileLabels(counts, { merge: true, file: 'f.csv', field: 'genre', preferred: ["Kids' TV", 'Dramas', 'Crime TV'] });
  assert.equal(merged.canonical.get('Kids TV'), "Kids' TV");
  assert.equal(merged.canonical.get("kids' tv"), "Kids' TV");
  assert.equal(merged.canonical.get('Dramas'), 'Dramas');
  assert.equal(merged.canonical.get('Crime  TV'), 'Crime TV');
  assert.equal(merged.warnings.length, 3);
  assert.match(merged.warnings[0], /^merged label "Kids TV" \(3 titles\) into "Kids' TV" \(the model's genre\) in f\.csv, column genre$/);
  // No model: the file's commonest spelling, as before; without --merge-labels, still an error.
  const plain = reconcileLabels(counts, { merge: true, file: 'f.csv', field: 'genre' });
  assert.equal(plain.canonical.get("kids' tv"), 'Kids TV');
  assert.deepEqual(plain.warnings, ['merged label "kids\' tv" (1 title) into "Kids TV" (its most frequent spelling) in f.csv, column genre']);
  assert.throws(() => reconcileLabels(counts, { merge: false, file: 'f.csv', field: 'genre', preferred: ["Kids' TV"] }), /"Kids TV" \(3 titles\) \/ "kids' tv" \(1 titles\)/);
});

test('evaluate on a file laid out other than the training file says which columns it detected; on the same layout, nothing', async () => {
  const other = files('other-layout.csv', ['overview,genre', 'two friends fall in love in paris,Comedies', 'a killer robot,Thrillers|Comedies'].join('\n') + '\n');
  const run = await captureOutput(() => evaluateCommand({ model, data: other, fold: 'all', perGenre: false, json: true, seed: 1, backend: 'wasm', cacheDir: join(files.dir, 'cache') }));
  assert.equal(run.error, null, String(run.error));
  const columns = run.stderr.split('\n').filter((l) => l.startsWith('column '));
  assert.ok(columns.some((l) => /^column text: overview \(detected/.test(l)), run.stderr);
  assert.ok(columns.some((l) => /^column labels: genre \(detected/.test(l)), run.stderr);
  assert.ok(columns.includes("column label separator: | (detected; the model was trained with ,)"), run.stderr);
  assert.ok(columns.includes("column id: none (the model was trained with column \"show_id\"; ids are row numbers)"), run.stderr);
  const same = files('same-layout.csv', ['show_id,description,listed_in', '1,two friends fall in love in paris,Comedies', '2,a killer robot,"Thrillers, Comedies"'].join('\n') + '\n');
  const plain = await captureOutput(() => evaluateCommand({ model, data: same, fold: 'all', perGenre: false, json: true, seed: 1, backend: 'wasm', cacheDir: join(files.dir, 'cache') }));
  assert.equal(plain.error, null, String(plain.error));
  assert.doesNotMatch(plain.stderr, /^column /m);
});
