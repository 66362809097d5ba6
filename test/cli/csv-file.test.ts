import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNotJson } from '../../src/cli/csv-file.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('csv-file');

test('a JSON file given as CSV is refused naming the file, the option and what it takes', async () => {
  const object = fixture('titles.csv', '\uFEFF  {"show_id": "1", "description": "x"}\n');
  const error = await rejectsWith(assertNotJson(object, '--data', 'a catalogue CSV'));
  assert.equal(error.file, object);
  assert.match(error.message, /looks like JSON \(it starts with "\{"\), not CSV; --data takes a catalogue CSV$/);

  const array = fixture('titles.txt', '[{"a": 1}]');
  assert.match((await rejectsWith(assertNotJson(array, '--data', 'a catalogue CSV'))).message, /starts with "\["/);
  const named = fixture('titles.json', 'show_id,description\n');
  assert.match((await rejectsWith(assertNotJson(named, '--split', 'a show_id,fold CSV'))).message, /it is named \.json.*--split takes a show_id,fold CSV/);
  const lines = fixture('input.txt', '{"id": 1, "text": "x"}\n');
  assert.match((await rejectsWith(assertNotJson(lines, '--input', 'a CSV', true))).message, /name the file \.jsonl$/);
});

test('a CSV, an empty file and a missing file pass (the reader reports those)', async () => {
  await assertNotJson(fixture('ok.csv', 'show_id,description\n1,"{not json}"\n'), '--data', 'x');
  await assertNotJson(fixture('empty.csv', ''), '--data', 'x');
  await assertNotJson(fixture.dir + '/missing.csv', '--data', 'x');
});
