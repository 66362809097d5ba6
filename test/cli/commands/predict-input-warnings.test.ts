/**
 * Warnings of `predict --input` about the rows' catalogue fields, run in-process on a tiny saved model
 * that reads `type` and `country` and has families by `type` (Movie / TV Show).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { outOfRangeFieldWarnings, predictCommand, type PredictCommandOptions } from '../../../src/cli/commands/predict.js';
import { evaluateCommand } from '../../../src/cli/commands/evaluate.js';
import { openModel } from '../../../src/models/open-model.js';
import { readFieldChecks } from '../../../src/models/storage.js';
import { savedFieldsModel, savedNumbersModel, type SavedFixture } from '../../serving/fixtures.js';
import { fixtureFolder } from '../../helpers/files.js';
import { captureOutput } from '../../helpers/capture-output.js';

const files = fixtureFolder('predict-input-warnings');
let fixture: SavedFixture;
let numbers: SavedFixture;
/** A tiny model that reads type, release_year (2000-2002) and duration (80-130 min, 1-3 Seasons). */
let numbersModel: string;

before(async () => {
  fixture = await savedFieldsModel();
  numbers = await savedNumbersModel();
  numbersModel = numbers.modelDir;
});
after(async () => {
  await fixture.remove();
  await numbers.remove();
});

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

test('predict --input warns once per field about out-of-range numbers (count, first line and value) and scores them as missing', async () => {
  const input = files(
    'numbers.csv',
    [
      'show_id,description,type,release_year,duration',
      '1,a killer robot,Movie,99999999999999999999,90 min',
      '2,love,Movie,2003,-90 min',
      '3,love,Movie,,',
      '4,a killer robot,Movie,2003,90 min',
      '5,a killer robot,Movie,-5,90 min',
    ].join('\n') + '\n',
  );
  const output = join(files.dir, 'numbers.jsonl');
  {
    const run = await predictFile(input, { model: numbersModel, output });
    assert.equal(run.error, null, String(run.error));
    const warnings = run.stderr.split('\n').filter((l) => l.includes('out of range'));
    assert.equal(warnings.length, 2, run.stderr);
    assert.match(warnings[0], /^warning: 2 row\(s\) of .*numbers\.csv have a release_year out of range \(first: line 2, release_year="99999999999999999999"; expected a number from \d+ to \d+.*\); scored as if release_year were missing$/);
    assert.match(warnings[1], /^warning: 1 row\(s\) of .*numbers\.csv have a duration out of range \(first: line 3, duration="-90 min"; expected a number of mins from 0 to \d+/);
  }
  // Scored as missing: the out-of-range year's row scores as the row without a year and with the same rest.
  const scores = readFileSync(output, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { scores: unknown }).scores);
  const { stderr } = await predictFile(files('missing.csv', 'show_id,description,type,duration\n1,a killer robot,Movie,90 min\n'), { model: numbersModel, output: join(files.dir, 'missing.jsonl') });
  // The only word on stderr: the file has no release_year column at all.
  assert.match(stderr, /^warning: the model reads [a-z_, ]+; .*missing\.csv has no column for release_year \(1 of \d\): every title is scored as if it were missing\n$/);
  assert.deepEqual(scores[0], (JSON.parse(readFileSync(join(files.dir, 'missing.jsonl'), 'utf8')) as { scores: unknown }).scores);
  assert.notDeepEqual(scores[0], scores[3], 'a plausible year does change the scores');
  // --workers N checks the rows on the reading thread with the saved vectorizer (worker threads need the
  // built dist/ under tsx, so that path is checked here through its reader).
  const saved = await readFieldChecks(numbersModel);
  assert.deepEqual(saved?.values({ release_year: '99999999999999999999' }).map((p) => p.field), ['release_year']);
  assert.equal(await readFieldChecks(fixture.modelDir).then((c) => c?.values({ type: 'Movie' }).length), 0);
});

test('--field values out of range get the same warning for texts given as arguments (predict, explain)', async () => {
  const { classifier } = await openModel(numbersModel, { backend: 'wasm' });
  try {
    assert.deepEqual(outOfRangeFieldWarnings(classifier, { type: 'Movie', release_year: '2001' }), []);
    const [warning, ...rest] = outOfRangeFieldWarnings(classifier, { type: 'Movie', release_year: '99999999999999999999' });
    assert.deepEqual(rest, []);
    assert.match(warning, /^--field release_year="99999999999999999999" is out of range \(expected a number from \d+ to \d+.*\); scored as if release_year were missing$/);
    // Several: in the order the flags gave them, whatever the model's field order.
    const flagged = (fields: Record<string, string>) => outOfRangeFieldWarnings(classifier, fields).map((w) => w.split('=')[0]);
    assert.deepEqual(flagged({ duration: 'long', release_year: 'abc' }), ['--field duration', '--field release_year']);
    assert.deepEqual(flagged({ release_year: 'abc', duration: 'long' }), ['--field release_year', '--field duration']);
  } finally {
    await classifier.dispose();
  }
});

test('a value that is not a number where the model reads one is warned about on every path: --field, --input rows', async () => {
  const { classifier } = await openModel(numbersModel, { backend: 'wasm' });
  try {
    const [year, duration, ...rest] = outOfRangeFieldWarnings(classifier, { type: 'Movie', release_year: 'abc', duration: 'n/a' });
    assert.deepEqual(rest, []);
    assert.match(year, /^--field release_year="abc" is not a number \(expected a number from \d+ to \d+.*\); scored as if release_year were missing$/);
    assert.match(duration, /^--field duration="n\/a" is not a number with a unit \(expected a number and a unit \((mins or seasons|seasons or mins)\), e\.g\. "90 min"\); scored as if duration were missing$/);
  } finally {
    await classifier.dispose();
  }
  const run = await predictFile(files('words.csv', 'show_id,description,type,release_year\n1,a killer robot,Movie,abc\n2,love,Movie,2001\n3,love,Movie,soon\n4,love,Movie,99999999999999999999\n'), {
    model: numbersModel,
    output: join(files.dir, 'words.jsonl'),
  });
  assert.equal(run.error, null, String(run.error));
  const warnings = run.stderr.split('\n').filter((l) => l.includes('release_year') && !l.includes('has no column'));
  assert.equal(warnings.length, 2, run.stderr);
  assert.match(warnings[0], /^warning: 2 row\(s\) of .*words\.csv have a release_year that is not a number \(first: line 2, release_year="abc"; expected a number from \d+ to \d+/);
  assert.match(warnings[1], /^warning: 1 row\(s\) of .*words\.csv have a release_year out of range \(first: line 5, /);
});


test('predict --input on a file laid out other than the training file says which columns it read (even --quiet); the same layout says nothing', async () => {
  const other = files('overview.csv', 'title,overview\nA,a killer robot\nB,love\n');
  const run = await predictFile(other);
  assert.equal(run.error, null, String(run.error));
  assert.deepEqual(
    run.stderr.split('\n').filter((l) => l.startsWith('column ')),
    ['column text: overview (detected; the model was trained with column "description")', 'column id: none (the model was trained with column "show_id"; ids are row numbers)'],
    run.stderr,
  );
  const flagged = await predictFile(other, { textColumn: 'overview' });
  assert.doesNotMatch(flagged.stderr, /column text/, 'a column named by a flag is not detection');
  const same = await predictFile(files('same.csv', 'show_id,description,type\n1,love,Movie\n'));
  assert.doesNotMatch(same.stderr, /^column /m);
});

test('predict --input warns once about blank ids: count, first lines, the column, what they became', async () => {
  const run = await predictFile(files('blank-ids.csv', 'show_id,description,type\n1,love,Movie\n,a killer robot,Movie\n ,love,TV Show\n'));
  assert.equal(run.error, null, String(run.error));
  const warnings = run.stderr.split('\n').filter((l) => l.includes('have a blank'));
  assert.deepEqual(warnings, [`warning: 2 row(s) of ${join(files.dir, 'blank-ids.csv')} have a blank show_id (lines 3, 4); expected an id in every row: they are written with their row numbers as ids`]);
});

test('predict --input counts rows whose only field value the model cannot use (an unseen country) in the "none of them" warning; the saved model\'s check agrees with the loaded one', async () => {
  const input = files('atlantis.csv', ['show_id,description,type,country', '1,a killer robot,Movie,India', '2,love,,Atlantis', '3,love,,'].join('\n') + '\n');
  const run = await predictFile(input);
  assert.equal(run.error, null, String(run.error));
  const warnings = run.stderr.split('\n').filter((l) => l.includes('description alone'));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(warnings[0], /^warning: the model reads type, country; 2 of 3 titles have no value of them that the model can use in .*atlantis\.csv \(1 of them had values not seen in training or out of range\)/);
  // --workers N and --queue read rows on a thread without the model: they ask the saved folder.
  const check = (await readFieldChecks(fixture.modelDir))!.uses;
  const { classifier } = await openModel(fixture.modelDir, { backend: null });
  const cases: (Record<string, string> | undefined)[] = [{ country: 'Atlantis' }, { country: 'India' }, { type: 'Movie' }, {}, undefined, { type: 'Cartoon', country: 'Atlantis' }];
  for (const fields of cases) {
    assert.equal(check(fields), classifier.readsFieldsOf(fields), JSON.stringify(fields));
  }
  assert.equal(check({ country: 'Atlantis' }), false);
  assert.equal(check({ country: 'India' }), true);
  await classifier.dispose();
});

test('predict --input warns when the file has no column for some fields the model reads (every row scored without them); not when it has them', async () => {
  const noCountry = await predictFile(files('no-country.csv', 'show_id,description,type\n1,love,Movie\n2,a killer robot,TV Show\n'));
  assert.equal(noCountry.error, null, String(noCountry.error));
  const absent = (stderr: string) => stderr.split('\n').filter((l) => l.includes('has no column for'));
  assert.deepEqual(absent(noCountry.stderr), [`warning: the model reads type, country; ${join(files.dir, 'no-country.csv')} has no column for country (1 of 2): every title is scored as if it were missing`]);
  const neither = await predictFile(files('neither.csv', 'show_id,description\n1,love\n'));
  assert.match(absent(neither.stderr).join('\n'), /has no column for any of them: every title is scored as if they were missing$/);
  // A column that is there but blank in some rows is the row warnings' business, not this one's.
  const both = await predictFile(files('both.csv', 'show_id,description,type,country\n1,love,Movie,\n'));
  assert.deepEqual(absent(both.stderr), []);
  // The id column does not stand in for a field of the same name.
  const idIsCountry = await predictFile(files('id-country.csv', 'country,description,type\n1,love,Movie\n'), { idColumn: 'country' });
  assert.deepEqual(absent(idIsCountry.stderr).length, 1, idIsCountry.stderr);
});

test('evaluate gives the same warning as predict --input when the file has no column for a field the model reads', async () => {
  const data = files('evaluate-no-country.csv', 'show_id,description,type,listed_in\n1,love,Movie,Comedies\n2,a killer robot,Movie,Dramas\n');
  const run = await captureOutput(() => evaluateCommand({ model: fixture.modelDir, data, fold: 'all', perGenre: false, json: true, seed: 1, backend: 'wasm', cacheDir: join(files.dir, 'cache') }));
  assert.equal(run.error, null, String(run.error));
  assert.ok(run.stderr.split('\n').includes(`warning: the model reads type, country; ${data} has no column for country (1 of 2): every title is scored as if it were missing`), run.stderr);
});

test('evaluate warns as predict --input does about family values the rules do not know and numbers the model cannot use', async () => {
  const data = files(
    'evaluate-values.csv',
    ['show_id,description,type,release_year,duration,listed_in', '1,love,Cartoon,abc,90 min,Comedies', '2,a killer robot,Movie,2001,-90 min,Dramas', '3,love,Cartoon,2001,90 min,Comedies'].join('\n') + '\n',
  );
  const run = await captureOutput(() => evaluateCommand({ model: numbersModel, data, fold: 'all', perGenre: false, json: true, seed: 1, backend: 'wasm', cacheDir: join(files.dir, 'cache') }));
  assert.equal(run.error, null, String(run.error));
  const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning: ') && l.includes('row(s) of'));
  assert.equal(warnings.length, 3, run.stderr);
  assert.match(warnings[0], /^warning: 2 row\(s\) of .*evaluate-values\.csv have a type the model does not know \("Cartoon"; lines 2, 4\)/);
  assert.ok(warnings.some((w) => /1 row\(s\) of .* have a release_year that is not a number \(first: line 2, release_year="abc"/.test(w)), run.stderr);
  assert.ok(warnings.some((w) => /1 row\(s\) of .* have a duration out of range \(first: line 3, duration="-90 min"/.test(w)), run.stderr);
});
