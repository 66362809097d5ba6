/**
 * Catalogue layouts other than Netflix's: each is read by detection or with flags alone, for
 * training (readTitles) and for prediction input (readPredictionInput).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTitles } from '../../src/data/titles.js';
import { loadDataset } from '../../src/data/dataset.js';
import { predictionColumns, readPredictionInput } from '../../src/data/prediction-input.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('layouts');

async function inputRows(file: string, options: Parameters<typeof readPredictionInput>[1] = {}) {
  const rows = [];
  for await (const row of readPredictionInput(file, options)) rows.push(row);
  return rows;
}

test('CSV with `genre` labels and `overview` text is detected, and says what it picked', async () => {
  const file = fixture('streaming.csv', 'id,title,overview,genre\n1,A,"A heist in Rome.","Crime, Thriller"\n2,B,"A cooking contest.",Reality\n');
  const read = await readTitles(file);
  assert.deepEqual(read.mapping, { text: 'overview', labels: 'genre', id: 'id', labelSeparator: ',' });
  assert.deepEqual(read.picked, ['text: overview (detected)', 'labels: genre (detected)', 'id: id (detected)']);
  assert.deepEqual(
    read.titles.map((t) => [t.id, t.description, t.genres, t.fields]),
    [
      ['1', 'A heist in Rome.', ['Crime', 'Thriller'], { title: 'A' }],
      ['2', 'A cooking contest.', ['Reality'], { title: 'B' }],
    ],
  );
});

test('a header with stray spaces is trimmed and matched case-insensitively', async () => {
  const file = fixture('spaces.csv', 'show_id, Description ,  LISTED_IN, country\n7,"Text.",Dramas, India\n');
  const read = await readTitles(file);
  assert.equal(read.mapping.text, 'Description');
  assert.deepEqual(read.titles[0].fields, { country: 'India' });
  assert.deepEqual(read.fieldNames, ['country']);
});

test('TSV by extension, and by --format', async () => {
  const body = 'show_id\tdescription\tlisted_in\ttype\n1\tA "quoted" word, and a comma.\tDramas, Comedies\tMovie\n';
  const tsv = await readTitles(fixture('catalogue.tsv', body));
  assert.deepEqual(tsv.titles[0].genres, ['Dramas', 'Comedies']);
  assert.equal(tsv.titles[0].description, 'A "quoted" word, and a comma.');
  const flagged = await readTitles(fixture('catalogue.txt', body), { format: 'tsv' });
  assert.deepEqual(flagged.titles, tsv.titles);
});

test('a TSV or CSV read as JSON Lines (--format jsonl) says so, naming the layout it looks like', async () => {
  const tsv = fixture('pinned.tsv', 'show_id\tdescription\tlisted_in\n1\tA man goes home.\tDramas\n');
  const err = await rejectsWith(readTitles(tsv, { format: 'jsonl' }));
  assert.equal(err.line, 1);
  assert.match(err.message, /no line is a JSON object, so this is not JSON Lines .* looks tab-separated \(--format tsv\)/);
  const csv = fixture('pinned.csv', 'show_id,description,listed_in\n1,A man goes home.,Dramas\n');
  assert.match((await rejectsWith(readPredictionInput(csv, { format: 'jsonl' }).next())).message, /looks comma-separated \(--format csv\)/);
});

test('a CSV read as TSV (--format tsv) says it looks comma-separated, for training and prediction input alike', async () => {
  const csv = fixture('pinned-as-tsv.csv', 'show_id,description,listed_in\n1,A man goes home.,Dramas\n');
  const err = await rejectsWith(readTitles(csv, { format: 'tsv' }));
  assert.equal(err.line, 1);
  assert.match(err.message, /has no tabs: the file looks comma-separated, not tab-separated.*--format csv/);
  assert.match((await rejectsWith(readPredictionInput(csv, { format: 'tsv' }).next())).message, /looks comma-separated, not tab-separated.*--format csv/);
  const semicolons = fixture('semicolons.txt', 'show_id;description\n1;A man goes home.\n');
  assert.match((await rejectsWith(readPredictionInput(semicolons, { format: 'tsv' }).next())).message, /looks ;-separated, not tab-separated/);
});

test('--label-separator json on a CSV or TSV is an error: JSON label arrays need JSON Lines', async () => {
  for (const [name, body] of [
    ['json-labels.csv', 'show_id,description,listed_in\n1,A man goes home.,"Dramas, Comedies"\n'],
    ['json-labels.tsv', 'show_id\tdescription\tlisted_in\n1\tA man goes home.\tDramas\n'],
  ]) {
    const file = fixture(name, body);
    const err = await rejectsWith(readTitles(file, { columns: { labelSeparator: 'json' } }));
    assert.equal(err.file, file);
    assert.match(err.message, /--label-separator json reads labels from JSON arrays, which only JSON Lines files have; this file is read as (CSV|TSV)/);
  }
});

test('JSON Lines with label arrays and list fields', async () => {
  const file = fixture(
    'movies.jsonl',
    [
      '{"id": 1, "plot": "Two friends cross Mongolia.", "genres": ["Adventure", "Drama"], "country": ["Mongolia", "France"], "year": 2019}',
      '{"id": 2, "plot": "A robot learns to paint.", "genres": ["Sci-Fi"], "country": "Japan", "year": 2021}',
    ].join('\n'),
  );
  const read = await readTitles(file);
  assert.equal(read.mapping.labelSeparator, 'json');
  assert.deepEqual(
    read.titles.map((t) => [t.description, t.genres, t.fields]),
    [
      ['Two friends cross Mongolia.', ['Adventure', 'Drama'], { country: 'Mongolia, France', year: '2019' }],
      ['A robot learns to paint.', ['Sci-Fi'], { country: 'Japan', year: '2021' }],
    ],
  );
  const rows = await inputRows(file, { fields: ['country'] });
  assert.deepEqual(
    rows.map((r) => [r.id, r.text, r.fields]),
    [
      ['1', 'Two friends cross Mongolia.', { country: 'Mongolia, France' }],
      ['2', 'A robot learns to paint.', { country: 'Japan' }],
    ],
  );
});

test('MovieLens-style `|` labels are detected; --label-separator pins it', async () => {
  const file = fixture('movielens.csv', 'movieId,summary,genres\n1,"Toys come alive.",Adventure|Animation|Children\n2,"A heist.",Crime\n');
  const read = await readTitles(file);
  assert.equal(read.mapping.labelSeparator, '|');
  assert.ok(read.picked.includes('label separator: | (detected)'));
  assert.deepEqual(read.titles[0].genres, ['Adventure', 'Animation', 'Children']);
  // movieId is not a usual id name: ids are row numbers and movieId is a field.
  assert.equal(read.titles[1].id, '2');
  const pinned = await readTitles(file, { columns: { labelSeparator: ',', idColumn: 'movieId' } });
  assert.deepEqual(pinned.titles[0].genres, ['Adventure|Animation|Children']);
  assert.equal(pinned.titles[1].id, '2');
  // A pinned separator no cell holds, while another is in the cells, is kept but warned about.
  assert.match(pinned.warnings[0], /--label-separator "," occurs in no genres cell, while 1 of 2 cells contain "\|".*did you mean --label-separator "\|"/);
  assert.deepEqual(read.warnings, []);
});

test('flags name columns the detection would not find, and a wrong flag names the columns there are', async () => {
  const file = fixture('odd.csv', 'key,blurb,cats\nk1,"A blurb.",X;Y\n');
  const read = await readTitles(file, { columns: { textColumn: 'blurb', labelColumn: 'cats', idColumn: 'key' } });
  assert.deepEqual(read.titles[0], { id: 'k1', description: 'A blurb.', genres: ['X', 'Y'], fields: {}, line: 2 });
  const err = await rejectsWith(readTitles(file, { columns: { textColumn: 'synopsis' } }));
  assert.match(err.message, /--text-column names column "synopsis".*columns found: key, blurb, cats/);
  const undetected = await rejectsWith(readTitles(file));
  assert.match(undetected.message, /no text column/);
});

test('labels are normalised; lookalikes are an error listing them, or merged with --merge-labels', async () => {
  const file = fixture(
    'lookalike.csv',
    ['show_id,description,listed_in', '1,One.,"Dramas\u200B, Kids\u2019 TV"', "2,Two.,\"Dramas, Kids' TV\"", "3,Three.,\"dramas, Kids'  TV\"", "4,Four.,Kids' TV"].join('\n'),
  );
  const err = await rejectsWith(readTitles(file));
  assert.match(err.message, /"Dramas" \(2 titles\) \/ "dramas" \(1 titles\)/);
  assert.match(err.message, /"Kids’ TV" \(1 titles\) \/ "Kids' TV" \(3 titles\)/);
  assert.match(err.message, /--merge-labels/);
  const merged = await readTitles(file, { mergeLabels: true });
  assert.deepEqual(
    merged.titles.map((t) => t.genres),
    [
      ['Dramas', "Kids' TV"],
      ['Dramas', "Kids' TV"],
      ['Dramas', "Kids' TV"],
      ["Kids' TV"],
    ],
  );
  assert.equal(merged.warnings.length, 2);
});

test('a header with no rows is refused naming the file', async () => {
  const err = await rejectsWith(readTitles(fixture('header-only.csv', 'show_id,description,listed_in\n')));
  assert.match(err.message, /header but no rows/);
});

test('prediction input reads the saved mapping first, then detection', async () => {
  const file = fixture('later.tsv', 'key\tblurb\ttype\nk1\tA blurb.\tMovie\n');
  const rows = await inputRows(file, { saved: { text: 'blurb', labels: 'cats', id: 'key', labelSeparator: ';' }, fields: ['type'] });
  assert.deepEqual(rows, [{ id: 'k1', text: 'A blurb.', fields: { type: 'Movie' }, line: 2 }]);
});

test('a training text with no words is refused like an empty one, naming its line', async () => {
  const file = fixture('emoji.csv', 'show_id,description,listed_in\n1,A real description.,Dramas\n2,\u{1F3AC}\u{1F37F}\u{1F52A},Thrillers\n');
  const err = await rejectsWith(readTitles(file));
  assert.equal(err.line, 3);
  assert.match(err.message, /description has no words/);
  const skipped = await readTitles(file, { onError: 'skip' });
  assert.deepEqual(skipped.titles.map((t) => t.id), ['1']);
  assert.equal(skipped.problems[0].line, 3);
});

test('a file read with a saved mapping says only which columns differ from the training file\'s (predict, evaluate)', async () => {
  const saved = { text: 'description', labels: 'listed_in', id: 'show_id', labelSeparator: ',' as const };
  const same = fixture('same-layout.csv', 'show_id,description,listed_in\n1,A heist in Rome.,Dramas\n');
  assert.deepEqual(await predictionColumns(same, { saved }), [], 'the training layout: nothing to say');
  assert.deepEqual((await readTitles(same, { saved })).picked, []);
  const other = fixture('other-layout.csv', 'overview,genre\n"A heist in Rome.",Crime|Thriller\n"A cooking contest.",Reality\n');
  assert.deepEqual(await predictionColumns(other, { saved }), [
    'text: overview (detected; the model was trained with column "description")',
    'id: none (the model was trained with column "show_id"; ids are row numbers)',
  ]);
  assert.deepEqual((await readTitles(other, { saved })).picked, [
    'text: overview (detected; the model was trained with column "description")',
    'labels: genre (detected; the model was trained with column "listed_in")',
    'id: none (the model was trained with column "show_id"; ids are row numbers)',
    'label separator: | (detected; the model was trained with ,)',
  ]);
  assert.deepEqual(await predictionColumns(other, { saved, columns: { textColumn: 'overview' } }), ['id: none (the model was trained with column "show_id"; ids are row numbers)'], 'a flag is not detection');
  assert.deepEqual(await predictionColumns(other, {}), ['text: overview (detected)'], 'no saved mapping: every detected column');
  assert.deepEqual(await predictionColumns(same, { saved: { ...saved, id: null } }), ['id: show_id (detected; the model\'s training file had no id column)']);
});

test('training with a split file on a file without an id column is refused before the split file is read', async () => {
  const file = fixture('no-ids.csv', 'description,listed_in\n"A heist in Rome.",Dramas\n"A cooking contest.",Comedies\n');
  // The split file names the row numbers: still refused, since those are not the titles' ids.
  const split = fixture('no-ids-split.csv', 'show_id,fold\n1,train\n2,test\n');
  const error = await rejectsWith(loadDataset(file, { splitFile: split, seed: 1 }));
  assert.equal(error.file, split);
  assert.match(error.message, /no-ids\.csv has no id column .*--id-column/);
});
