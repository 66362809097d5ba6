/** Files that are not what their name says, or not UTF-8: a clear error naming the file and line, never a silent misreading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readTitles } from '../../src/data/titles.js';
import { readPredictionInput } from '../../src/data/prediction-input.js';
import { firstInvalidUtf8, printable } from '../../src/data/text-decoding.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('decoding');
const bytes = (name: string, content: Buffer): string => {
  const file = path.join(fixture.dir, name);
  fs.writeFileSync(file, content);
  return file;
};

test('a Latin-1 file fails naming the first line that is not UTF-8', async () => {
  const text = 'show_id,description,listed_in\n1,Fine.,Dramas\n2,Un caf\u00e9 \u00e0 Paris.,Dramas\n';
  const file = bytes('latin1.csv', Buffer.from(text, 'latin1'));
  const err = await rejectsWith(readTitles(file));
  assert.equal(err.line, 3);
  assert.match(err.message, /not UTF-8.*0xe9.*iconv/);
  // The same text in UTF-8 reads, accents intact.
  const ok = await readTitles(bytes('utf8.csv', Buffer.from(text, 'utf8')));
  assert.equal(ok.titles[1].description, 'Un caf\u00e9 \u00e0 Paris.');
});

test('UTF-16 with a BOM is decoded, with the line numbers an editor shows', async () => {
  const text = '\ufeffshow_id,description,listed_in\r\n1,"Two\r\nlines",Dramas\r\n2,One line,Dramas\r\n3,"",Dramas\r\n';
  const le = bytes('utf16le.csv', Buffer.from(text, 'utf16le'));
  const read = await readTitles(le, { onError: 'skip' });
  assert.deepEqual(read.titles.map((t) => [t.id, t.line]), [['1', 2], ['2', 4]]);
  assert.deepEqual(read.problems.map((p) => p.line), [5]);
  const be = Buffer.from(text, 'utf16le').swap16();
  const readBe = await readTitles(bytes('utf16be.csv', be), { onError: 'skip' });
  assert.deepEqual(readBe.titles.map((t) => t.description), ['Two\r\nlines', 'One line']);
});

test('a ;- or tab-separated file named .csv says so instead of failing on a quote', async () => {
  const semi = fixture('semi.csv', 'show_id;description;listed_in\n1;"A ""quoted"" word";Dramas\n2;x "y" z;Dramas\n');
  const err = await rejectsWith(readTitles(semi));
  assert.match(err.message, /looks ;-separated/);
  const tab = fixture('tab.csv', 'show_id\tdescription\tlisted_in\n1\tA "quoted" word\tDramas\n');
  const err2 = await rejectsWith(readTitles(tab));
  assert.match(err2.message, /looks tab-separated.*--format tsv/);
  const read = await readTitles(tab, { format: 'tsv' });
  assert.equal(read.titles[0].description, 'A "quoted" word');
});

test('JSON given as CSV is named as JSON', async () => {
  const err = await rejectsWith(readTitles(fixture('data.csv', '[{"description": "x", "listed_in": "Dramas"}]')));
  assert.match(err.message, /looks like JSON.*--format jsonl/);
});

test('binary garbage is refused with a short message that echoes nothing raw', async () => {
  const garbage = Buffer.alloc(20000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 256;
  const err = await rejectsWith(readTitles(bytes('garbage.csv', garbage)));
  assert.ok(err.message.length < 400, `message of ${err.message.length} characters`);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(err.message), 'no raw control characters');
  // NUL bytes in otherwise valid UTF-8 are called binary.
  const nul = await rejectsWith(readTitles(bytes('nul.csv', Buffer.from('show_id,description,listed_in\n1,a\u0000b,Dramas\n'))));
  assert.match(nul.message, /binary/);
  assert.equal(nul.line, 2);
  // A header full of escape sequences is quoted escaped.
  const escapes = await rejectsWith(readTitles(fixture('esc.csv', 'a\u001b[31mred,b\nx,y\n')));
  assert.ok(escapes.message.includes('\\u001b[31mred'), escapes.message);
});

test('a prediction input with a header and no rows is an error, not zero results', async () => {
  const file = fixture('empty-input.csv', 'id,text\n');
  await assert.rejects(async () => {
    for await (const row of readPredictionInput(file)) void row;
  }, /header but no rows/);
});

test('the UTF-8 scanner finds invalid sequences, NULs and a sequence cut at the end', () => {
  assert.deepEqual(firstInvalidUtf8(Buffer.from('héllo €𝄞')), { invalid: -1, nul: -1, incomplete: 0 });
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])).invalid, 1, 'overlong');
  assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])).invalid, 0, 'surrogate');
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x00])).nul, 1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82])).incomplete, 2);
  assert.equal(printable('a\u0007b'.repeat(40), 10), 'a\\u0007ba\\…');
});
