import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseGenres, readTitles } from '../../src/data/titles.js';
import { countLineBreaks } from '../../src/data/csv.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('titles');
const dir = fixture.dir;

const HEADER = 'show_id,type,title,listed_in,description';

test('reads CRLF records, a BOM, quoted newlines and a file without a final newline', async () => {
  const file = fixture(
    'crlf.csv',
    '\uFEFF' +
      [
        HEADER,
        '1,Movie,"Two\nlines","Dramas, Comedies",A plain description.',
        '2,Movie,Other,Thrillers,"A description with a quoted\r\nnewline, and a ""quote""."',
        '3,TV Show,Last,"TV Dramas,TV Dramas , ",  Padded description.  ',
      ].join('\r\n'),
  );
  const { titles, problems } = await readTitles(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(titles, [
    { id: '1', description: 'A plain description.', genres: ['Dramas', 'Comedies'], fields: { type: 'Movie', title: 'Two\nlines' }, line: 2 },
    { id: '2', description: 'A description with a quoted\r\nnewline, and a "quote".', genres: ['Thrillers'], fields: { type: 'Movie', title: 'Other' }, line: 4 },
    { id: '3', description: 'Padded description.', genres: ['TV Dramas'], fields: { type: 'TV Show', title: 'Last' }, line: 6 },
  ]);
});

test('reads LF files with a final newline and counts blank lines in line numbers', async () => {
  const file = fixture('lf.csv', `${HEADER}\n1,Movie,A,Dramas,First.\n\n2,Movie,B,Dramas,"Second\nhalf."\n3,Movie,C,Dramas,Third.\n`);
  const { titles } = await readTitles(file);
  assert.deepEqual(
    titles.map((t) => [t.id, t.line]),
    [
      ['1', 2],
      ['2', 4],
      ['3', 6],
    ],
  );
});

test('without a show_id column, ids are 1-based data row numbers; listed_in is optional when not required', async () => {
  const file = fixture('noid.csv', 'description\nFirst text.\n\nSecond text.\n');
  const { titles } = await readTitles(file, { requireGenres: false });
  assert.deepEqual(titles, [
    { id: '1', description: 'First text.', genres: [], fields: {}, line: 2 },
    { id: '2', description: 'Second text.', genres: [], fields: {}, line: 4 },
  ]);
});

test('a missing required column names the file, the column and the columns found', async () => {
  const file = fixture('nogenres.csv', 'show_id,title,description\n1,A,Text.\n');
  const err = await rejectsWith(readTitles(file));
  assert.match(err.message, /listed_in/);
  assert.ok(err.message.includes(file), err.message);
  assert.match(err.message, /columns found: show_id, title, description/);
  assert.equal(err.field, 'listed_in');

  const noDescription = fixture('nodesc.csv', 'show_id,listed_in\n1,Dramas\n');
  const err2 = await rejectsWith(readTitles(noDescription));
  assert.match(err2.message, /"description"/);
  assert.ok(err2.message.includes(noDescription));
});

test('a column named twice in the header is refused rather than guessed', async () => {
  const file = fixture('twice.csv', 'show_id,description,listed_in,Description\n1,A.,Dramas,B.\n');
  const err = await rejectsWith(readTitles(file));
  assert.match(err.message, /"description" appears 2 times/);
  assert.equal(err.line, 1);
});

test('an empty description fails naming line and field, or is collected with onError skip', async () => {
  const file = fixture(
    'empty.csv',
    `${HEADER}\r\n1,Movie,A,Dramas,Fine.\r\n2,Movie,"B\nB",Dramas,"   "\r\n3,Movie,C,,Also fine.\r\n4,Movie,D,Comedies,Kept.`,
  );
  const err = await rejectsWith(readTitles(file));
  assert.equal(err.file, file);
  assert.equal(err.line, 3);
  assert.equal(err.field, 'description');
  assert.match(err.message, /line 3/);
  assert.match(err.message, /field "description"/);

  const { titles, problems } = await readTitles(file, { onError: 'skip' });
  assert.deepEqual(
    titles.map((t) => t.id),
    ['1', '4'],
  );
  assert.deepEqual(problems, [
    { file, line: 3, field: 'description', message: 'description is empty' },
    { file, line: 5, field: 'listed_in', message: 'listed_in has no genres (expected 1 or more, comma-separated)' },
  ]);

  // Without requireGenres an empty listed_in is just "no genres".
  const lenient = await readTitles(file, { onError: 'skip', requireGenres: false });
  assert.deepEqual(
    lenient.titles.map((t) => [t.id, t.genres]),
    [
      ['1', ['Dramas']],
      ['3', []],
      ['4', ['Comedies']],
    ],
  );
});

test('a row with the wrong number of fields is a row problem', async () => {
  const file = fixture('short.csv', `${HEADER}\n1,Movie,A,Dramas\n2,Movie,B,Dramas,Fine.\n`);
  const err = await rejectsWith(readTitles(file));
  assert.equal(err.line, 2);
  assert.match(err.message, /expected 5 fields/);
  const { titles, problems } = await readTitles(file, { onError: 'skip' });
  assert.deepEqual(
    titles.map((t) => t.id),
    ['2'],
  );
  assert.equal(problems.length, 1);
  assert.equal(problems[0].line, 2);
});

test('a duplicate show_id names both lines, even with onError skip', async () => {
  const file = fixture('dup.csv', `${HEADER}\n7,Movie,A,Dramas,One.\n8,Movie,B,Dramas,"Two\nlines."\n7,Movie,C,Dramas,Three.\n`);
  for (const onError of ['fail', 'skip'] as const) {
    const err = await rejectsWith(readTitles(file, { onError }));
    assert.match(err.message, /"7"/);
    assert.match(err.message, /line 2 and on line 5/);
    assert.equal(err.line, 5);
  }
});

test('malformed CSV names the file and the line where the bad record starts', async () => {
  const unclosed = fixture('unclosed.csv', `${HEADER}\r\n1,Movie,A,Dramas,Fine.\r\n2,Movie,"B\r\nC,Dramas,Never closed.\r\n3,Movie,D,Dramas,Text.`);
  const err = await rejectsWith(readTitles(unclosed, { onError: 'skip' }));
  assert.equal(err.file, unclosed);
  assert.equal(err.line, 3);
  assert.ok(err.message.includes(unclosed));
  assert.match(err.message, /never closed/);

  const stray = fixture('stray.csv', `${HEADER}\n1,Movie,A,Dramas,Fine.\n2,Movie,B,Dramas,"Quoted "badly" here."\n`);
  const err2 = await rejectsWith(readTitles(stray));
  assert.equal(err2.line, 3);
  assert.match(err2.message, /malformed CSV/);
});

test('a missing file, a directory and an empty file are PlotlineErrors naming the path', async () => {
  const missing = path.join(dir, 'does-not-exist.csv');
  const err = await rejectsWith(readTitles(missing));
  assert.ok(err.message.includes(missing));
  assert.match(err.message, /not found/);

  const err2 = await rejectsWith(readTitles(dir));
  assert.ok(err2.message.includes(dir));

  const empty = fixture('empty-file.csv', '');
  const err3 = await rejectsWith(readTitles(empty));
  assert.match(err3.message, /empty/);
});

test('genres are split on commas, trimmed, de-duplicated in order, empties dropped', () => {
  assert.deepEqual(parseGenres(' Dramas,Comedies , ,Dramas,'), ['Dramas', 'Comedies']);
  assert.deepEqual(parseGenres(''), []);
});

test('line breaks are counted the way editors number lines', () => {
  assert.equal(countLineBreaks('a\r\nb\nc\rd'), 3);
  assert.equal(countLineBreaks('no break'), 0);
  // LF only (the native-search path) and mixed, against a character-by-character count.
  for (const text of ['a\nb\n\nc\n', '\n', 'x\n'.repeat(50), 'a\r\n\r\nb\n\rc\r', '\r']) {
    let expected = 0;
    for (let i = 0; i < text.length; i++) if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) expected += 1;
    assert.equal(countLineBreaks(text), expected, JSON.stringify(text));
  }
});

test('JSON Lines training file: an integer id past 2^53 - 1 (which JSON rounds) fails naming its line and field', async () => {
  const file = fixture('big-ids.jsonl', '{"id": 1, "description": "A story.", "genres": ["Dramas"]}\n{"id": 12345678901234567891, "description": "Another story.", "genres": ["Comedies"]}\n');
  const err = await rejectsWith(readTitles(file));
  assert.equal(err.line, 2);
  assert.equal(err.field, 'id');
  assert.match(err.message, /past 2\^53 - 1.*write the id as a string/);
});
