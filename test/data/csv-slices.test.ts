/**
 * A CSV read in slices (csv-slices.ts, each slice behind the header through readPredictionInput's
 * `slice`) gives the rows, lines, row-number ids, problems and errors of the same file read whole,
 * whatever the slice size: quoted line breaks, CRLF, blank and whitespace-only lines, a BOM, short rows;
 * and readPredictionSlice gives each slice's rows and problems as readPredictionInput does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCsvSlices } from '../../src/data/csv-slices.js';
import { countLineBreaks, type RowProblem } from '../../src/data/csv.js';
import { readPredictionInput, readPredictionSlice, type PredictionInputRow } from '../../src/data/prediction-input.js';
import { decodeUtf8Slice } from '../../src/data/text-decoding.js';
import { PlotlineError } from '../../src/util/errors.js';
import { fixtureFolder } from '../helpers/files.js';

const files = fixtureFolder('csv-slices');

interface Read {
  rows: PredictionInputRow[];
  problems: RowProblem[];
  error?: string;
}

async function readWhole(path: string): Promise<Read> {
  const read: Read = { rows: [], problems: [] };
  try {
    for await (const row of readPredictionInput(path, { onError: 'skip', onProblem: (p) => read.problems.push(p) })) read.rows.push(row);
  } catch (error) {
    read.error = (error as Error).message;
  }
  return read;
}

async function readSliced(path: string, targetBytes: number): Promise<Read & { slices: number }> {
  const read: Read & { slices: number } = { rows: [], problems: [], slices: 0 };
  const opened = await openCsvSlices(path, targetBytes);
  assert.ok(opened !== null, 'the file can be read in slices');
  const headerLines = countLineBreaks(opened.header);
  try {
    for await (const slice of opened.slices) {
      read.slices += 1;
      const text = opened.header + decodeUtf8Slice(slice.bytes, path, slice.firstLfLine);
      const options = { onError: 'skip' as const, onProblem: (p: RowProblem) => read.problems.push(p) };
      const at = { rows: read.rows.length, problems: read.problems.length };
      const sliceOf = { text, lineShift: slice.firstLine - 1 - headerLines, rowShift: slice.rowsBefore };
      for await (const row of readPredictionInput(path, { ...options, slice: sliceOf })) read.rows.push(row);
      // readPredictionSlice (the rows handed over without awaiting each) gives the same rows and problems.
      const now: Read = { rows: [], problems: [] };
      await readPredictionSlice(path, { onError: 'skip', onProblem: (p) => now.problems.push(p), slice: sliceOf }, (row) => now.rows.push(row));
      assert.deepEqual(now.rows, read.rows.slice(at.rows));
      assert.deepEqual(now.problems, read.problems.slice(at.problems));
    }
  } catch (error) {
    assert.ok(error instanceof PlotlineError);
    read.error = error.message;
  } finally {
    await opened.close();
  }
  return read;
}

const CASES: Record<string, string> = {
  'lf.csv': 'id,description\n1,A spy story.\n2,"A quoted, comma story."\n3,"Two\nlines of ""quoted"" story."\n4,Last one.\n',
  'crlf.csv': 'id,description\r\n1,A spy story.\r\n2,"Over\r\ntwo lines"\r\n\r\n3,"A lone \r in it"\r\n4,No final break',
  'blanks.csv': '\n\nid,description\n\n1,After blanks.\n   \n\u00a0\n2,After spaces.\n\n\n3,End.\n\n',
  'bom-no-id.csv': '\ufeffdescription,title\nA story about a dog.,Dog\n\nA story about a cat.,Cat\n"A story\nabout a bird.",Bird\n',
  'short-row.csv': 'id,title,description\n1,One,A spy story.\n2,only two\n3,Three,A ghost story.\n4,Four,\n5,Five,"  "\n6,Six,A love story.\n',
  'unicode.csv': 'id,description\n1,Émigré stories in Zürich.\n2,東京の物語 and more words.\n3,"Ünïcödé, quoted."\n',
};

test('slices of any size read as the whole file does: rows, lines, row-number ids, problems', async () => {
  for (const [name, content] of Object.entries(CASES)) {
    const path = files(name, content);
    const whole = await readWhole(path);
    assert.equal(whole.error, undefined, `${name}: ${whole.error}`);
    for (const target of [1, 7, 30, 1 << 20]) {
      const sliced = await readSliced(path, target);
      assert.deepEqual(sliced.rows, whole.rows, `${name}, slices of ${target} bytes`);
      assert.deepEqual(sliced.problems, whole.problems, `${name}, slices of ${target} bytes`);
      assert.equal(sliced.error, undefined);
      if (target === 1) assert.ok(sliced.slices >= whole.rows.length, `${name}: one record per slice`);
    }
  }
});

test('a malformed record or bytes that are not UTF-8 fail in a slice with the whole read\'s message and line', async () => {
  const lines = ['id,description', ...Array.from({ length: 40 }, (_, i) => `${i + 1},Story number ${i + 1}.`)];
  const unclosed = files('unclosed.csv', [...lines, '41,"Never closed', '42,More.', ''].join('\n'));
  const stray = files('stray.csv', [...lines.slice(0, 20), '20,A "stray" quote', ...lines.slice(20), ''].join('\n'));
  const latin1 = files('latin1.csv', '');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(latin1, Buffer.concat([Buffer.from(lines.join('\n') + '\n41,Caf'), Buffer.from([0xe9]), Buffer.from(' story.\n42,More.\n')]));
  for (const path of [unclosed, stray, latin1]) {
    const whole = await readWhole(path);
    assert.match(whole.error ?? '', /line \d+/, path);
    for (const target of [1, 64, 1 << 20]) {
      const sliced = await readSliced(path, target);
      assert.equal(sliced.error, whole.error, `${path}, slices of ${target} bytes`);
    }
  }
});

test('files the scan cannot follow are left to the whole-file reader', async () => {
  assert.equal(await openCsvSlices(files('cr.csv', 'id,description\r1,Old Mac line ends.\r'), 100), null, 'lone CR line ends');
  const utf16 = files('utf16.csv', '');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,description\n1,A story.\n', 'utf16le')]));
  assert.equal(await openCsvSlices(utf16, 100), null, 'UTF-16');
  assert.equal(await openCsvSlices(files('header-only-no-break.csv', 'id,description'), 100), null, 'no complete record');
});
