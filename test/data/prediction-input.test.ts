import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readPredictionInput, type PredictionInputRow } from '../../src/data/prediction-input.js';
import type { RowProblem } from '../../src/data/titles.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('predict');
const dir = fixture.dir;

async function collect(
  file: string,
  onError: 'fail' | 'skip' = 'fail',
): Promise<{ rows: PredictionInputRow[]; problems: RowProblem[] }> {
  const rows: PredictionInputRow[] = [];
  const problems: RowProblem[] = [];
  for await (const row of readPredictionInput(file, { onError, onProblem: (p) => problems.push(p) })) rows.push(row);
  return { rows, problems };
}

test('JSON Lines: description or text, string/number/missing ids, blank lines ignored, CRLF', async () => {
  const file = fixture(
    'input.jsonl',
    '\uFEFF{"id": "a1", "description": "  First text. "}\r\n' +
      '\r\n' +
      '{"show_id": 42, "text": "Second text."}\r\n' +
      '{"text": "Third text, no id."}',
  );
  const { rows, problems } = await collect(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(rows, [
    { id: 'a1', text: 'First text.', line: 1 },
    { id: '42', text: 'Second text.', line: 3 },
    { id: '3', text: 'Third text, no id.', line: 4, blankId: 'id' }, // the file has ids: a missing one is blank
  ]);
});

test('JSON Lines: bad rows fail with file, line and field, or are reported and skipped', async () => {
  const file = fixture(
    'bad.ndjson',
    [
      '{"id": 1, "text": "Good."}',
      '{"id": 2, "text": ',
      '[1, 2]',
      '{"id": 4}',
      '{"id": 5, "description": "   "}',
      '{"id": 6, "description": 7}',
      '{"id": true, "text": "Bad id."}',
      '{"id": 8, "text": "Also good."}',
    ].join('\n'),
  );
  const err = await rejectsWith(collect(file));
  assert.equal(err.file, file);
  assert.equal(err.line, 2);
  assert.equal(err.field, '(json)');
  assert.match(err.message, /not valid JSON/);

  const { rows, problems } = await collect(file, 'skip');
  assert.deepEqual(
    rows.map((r) => r.id),
    ['1', '8'],
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.field]),
    [
      [2, '(json)'],
      [3, '(json)'],
      [4, 'text'],
      [5, 'description'],
      [6, 'description'],
      [7, 'id'],
    ],
  );
  // Nothing is dropped silently: every non-blank line is either a row or a problem.
  assert.equal(rows.length + problems.length, 8);
});

test('CSV: description or text column, show_id or id column, quoted newlines, row-number fallback', async () => {
  const withId = fixture('input.csv', '\uFEFFid,text\r\nx,"Two\r\nlines."\r\n,No id here.\r\ny,Third.');
  assert.deepEqual((await collect(withId)).rows, [
    { id: 'x', text: 'Two\r\nlines.', line: 2 },
    { id: '2', text: 'No id here.', line: 4, blankId: 'id' },
    { id: 'y', text: 'Third.', line: 5 },
  ]);

  const noId = fixture('noid.csv', 'title,description\nA,First.\n\nB,Second.\n');
  assert.deepEqual((await collect(noId)).rows, [
    { id: '1', text: 'First.', line: 2 },
    { id: '2', text: 'Second.', line: 4 },
  ]);

  // A file with any other extension is read as CSV.
  const txt = fixture('input.txt', 'show_id,description\n80001,Text.\n');
  assert.deepEqual((await collect(txt)).rows, [{ id: '80001', text: 'Text.', line: 2 }]);
});

test('CSV: empty text and short rows fail naming line and field, or are reported with skip', async () => {
  const file = fixture('bad.csv', 'show_id,description\n1,Good.\n2,"  "\n3\n4,Also good.\n');
  const err = await rejectsWith(collect(file));
  assert.equal(err.line, 3);
  assert.equal(err.field, 'description');

  const { rows, problems } = await collect(file, 'skip');
  assert.deepEqual(
    rows.map((r) => r.id),
    ['1', '4'],
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.field]),
    [
      [3, 'description'],
      [4, '(row)'],
    ],
  );
});

test('a text without words (emoji, punctuation) is refused like an empty one: fails, or is skipped with its line', async () => {
  const csv = fixture('tokenless.csv', 'show_id,description\n1,Good.\n2,🎬🍿🔪\n3,"... !?"\n4,Also good 🎬.\n');
  const err = await rejectsWith(collect(csv));
  assert.equal(err.line, 3);
  assert.equal(err.field, 'description');
  assert.match(err.message, /description has no words/);
  const { rows, problems } = await collect(csv, 'skip');
  assert.deepEqual(rows.map((r) => r.id), ['1', '4']);
  assert.deepEqual(problems.map((p) => [p.line, p.field]), [[3, 'description'], [4, 'description']]);

  const jsonl = fixture('tokenless.jsonl', '{"id": "a", "text": "Fine."}\n{"id": "b", "text": "\u200b🍿"}\n');
  const skipped = await collect(jsonl, 'skip');
  assert.deepEqual(skipped.rows.map((r) => r.id), ['a']);
  assert.deepEqual(skipped.problems.map((p) => [p.line, p.field]), [[2, 'text']]);
  assert.match(skipped.problems[0].message, /text has no words/);
});

test('CSV without a text column, a malformed CSV and a missing file are PlotlineErrors naming the file', async () => {
  const noText = fixture('notext.csv', 'show_id,title\n1,A\n');
  const err = await rejectsWith(collect(noText));
  assert.ok(err.message.includes(noText));
  assert.match(err.message, /no text column: expected one named "description", "overview", "plot", "summary", "synopsis", "text"/);
  assert.match(err.message, /show_id, title/);

  const malformed = fixture('malformed.csv', 'id,text\n1,Fine.\n2,"Never closed.\n3,Text.\n');
  const err2 = await rejectsWith(collect(malformed, 'skip'));
  assert.equal(err2.line, 3);
  assert.ok(err2.message.includes(malformed));

  for (const name of ['missing.csv', 'missing.jsonl']) {
    const missing = path.join(dir, name);
    const err3 = await rejectsWith(collect(missing));
    assert.ok(err3.message.includes(missing));
  }
});

test("onError 'skip' without onProblem is refused, so skipped rows are never silent", async () => {
  const file = fixture('ok.csv', 'text\nHello.\n');
  await assert.rejects(async () => {
    for await (const row of readPredictionInput(file, { onError: 'skip' })) void row;
  }, TypeError);
});

test('stopping early releases the file', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `${i},"Description number ${i}."`);
  const file = fixture('long.csv', `id,description\n${lines.join('\n')}\n`);
  const seen: string[] = [];
  for await (const row of readPredictionInput(file)) {
    seen.push(row.id);
    if (seen.length === 3) break;
  }
  assert.deepEqual(seen, ['0', '1', '2']);
  // The whole file still reads in order afterwards.
  let count = 0;
  for await (const row of readPredictionInput(file)) {
    assert.equal(row.id, String(count));
    assert.equal(row.line, count + 2);
    count += 1;
  }
  assert.equal(count, 5000);
});

test('JSON Lines: an integer id past 2^53 - 1 (which JSON rounds) is refused naming its line, so two ids never become one', async () => {
  const file = fixture('big-ids.jsonl', '{"id": 9007199254740991, "text": "Largest safe."}\n{"id": 12345678901234567891, "text": "Rounded."}\n{"id": "12345678901234567890", "text": "As a string."}\n');
  const err = await rejectsWith(collect(file));
  assert.equal(err.line, 2);
  assert.equal(err.field, 'id');
  assert.match(err.message, /past 2\^53 - 1.*write the id as a string/);
  const { rows, problems } = await collect(file, 'skip');
  assert.deepEqual(rows.map((r) => r.id), ['9007199254740991', '12345678901234567890']);
  assert.equal(problems.length, 1);
});

test('JSON Lines: a field value that is an object is refused naming its line and field (not scored as if missing)', async () => {
  const file = fixture('object-field.jsonl', '{"id": "a", "text": "Good.", "country": "France"}\n{"id": "b", "text": "Odd.", "country": {"x": 1}}\n');
  const read = async (onError: 'fail' | 'skip') => {
    const rows: PredictionInputRow[] = [];
    const problems: RowProblem[] = [];
    for await (const row of readPredictionInput(file, { onError, onProblem: (p) => problems.push(p), fields: ['country'] })) rows.push(row);
    return { rows, problems };
  };
  const err = await rejectsWith(read('fail'));
  assert.equal(err.line, 2);
  assert.equal(err.field, 'country');
  assert.match(err.message, /must be text, a number or a list, got an object/);
  const { rows, problems } = await read('skip');
  assert.deepEqual(rows.map((r) => [r.id, r.fields]), [['a', { country: 'France' }]]);
  assert.equal(problems.length, 1);
});
