/**
 * `predict --input` through scoreFile: a few thousand synthetic rows with a malformed row in the
 * middle, skipped (reported with its line) or failing the run (no output file); the output is the
 * same bytes with 1 and 2 worker threads, in input order.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../src/engine/backend.js';
import { loadModel } from '../../src/models/storage.js';
import { SLICED_FROM_WORKERS, scoreFile } from '../../src/batch/score-file.js';
import { mapInOrder } from '../../src/batch/ordered.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';
import { TEXTS } from '../models/fixtures.js';
import { saveTinyModel } from './tiny-model.js';

const files = fixtureFolder('batch');
const model = join(files.dir, 'model');
const ROWS = 3000;
/** Line of the malformed row (line 1 is the first row in JSON Lines). */
const BAD_LINE = 1500;
let jsonl = '';
let csv = '';

/** Row i's id and text: varied lengths so chunks mix short and long texts. */
function row(i: number): { id: string; text: string } {
  const words = `${TEXTS[i % TEXTS.length]} ${TEXTS[(i * 7 + 3) % TEXTS.length]}`.split(' ');
  return { id: `t${i}`, text: words.slice(0, 2 + ((i * 13) % words.length)).join(' ') };
}

before(async () => {
  await useBackend('wasm');
  await saveTinyModel(model);
  const lines: string[] = [];
  for (let i = 1; i <= ROWS; i++) lines.push(i === BAD_LINE ? '{"id":"broken","description":' : JSON.stringify({ id: row(i).id, description: row(i).text }));
  jsonl = files('rows.jsonl', lines.join('\n') + '\n');
  const csvLines = ['show_id,title,description'];
  for (let i = 1; i <= ROWS; i++) csvLines.push(i === BAD_LINE ? `t${i},only two fields` : `t${i},"Title, ${i}","${row(i).text}"`);
  csv = files('rows.csv', csvLines.join('\r\n') + '\r\n');
});

const expectedIds = Array.from({ length: ROWS }, (_, i) => i + 1)
  .filter((i) => i !== BAD_LINE)
  .map((i) => `t${i}`);

test('skip: the malformed row is reported with its line; every other row is scored, in input order', async () => {
  const output = join(files.dir, 'skip.jsonl');
  const result = await scoreFile({ model, input: jsonl, output, onError: 'skip', chunkRows: 256, topK: 2 });
  assert.equal(result.rows, ROWS - 1);
  assert.equal(result.skipped, 1);
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0].line, BAD_LINE);
  assert.match(result.problems[0].message, /not valid JSON/);
  const lines = readFileSync(output, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), expectedIds);
  // Each row's scores are those of the model on that row's text alone.
  const { classifier } = await loadModel(model);
  for (const i of [0, 1, 700, 1498, 1499, 2998]) {
    const [alone] = await classifier.predict([row(Number(lines[i].id.slice(1))).text], { topK: 2 });
    assert.deepEqual(lines[i].scores, alone.scores);
    assert.deepEqual(lines[i].genres, alone.genres);
    assert.deepEqual(lines[i].top, alone.top);
  }
  classifier.dispose();
});

test('repeated ids: every row is scored, and the repeats are counted with the first one\'s lines', async () => {
  const input = files('repeats.csv', 'id,description\na,A spy story.\nb,A love story.\na,Another spy story.\nc,A ghost story.\nb,Love again.\n');
  const output = join(files.dir, 'repeats.jsonl');
  const result = await scoreFile({ model, input, output });
  assert.equal(result.rows, 5);
  assert.deepEqual(result.duplicateIds, { count: 2, first: { id: 'a', line: 4, firstLine: 2 }, limitReached: false });
  assert.deepEqual(readFileSync(output, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).id), ['a', 'b', 'a', 'c', 'b']);
  assert.equal((await scoreFile({ model, input: jsonl, output: join(files.dir, 'unique.jsonl'), onError: 'skip' })).duplicateIds.count, 0);
});

test('blank ids: the rows are scored with their row numbers as ids, and counted with their first lines, read in slices or streamed', async () => {
  const body = ['show_id,description', 'a,A spy story.', ',A love story.', '  ,Another spy story.', 'd,A ghost story.', ',Love again.'];
  const csvInput = files('blank-ids.csv', body.join('\n') + '\n');
  const jsonlInput = files('blank-ids.jsonl', ['{"show_id":"a","description":"A spy story."}', '{"show_id":"","description":"A love story."}', '{"show_id":null,"description":"Another spy story."}', '{"show_id":"d","description":"A ghost story."}', '{"description":"Love again."}'].join('\n') + '\n');
  for (const [input, lines] of [[csvInput, [3, 4, 6]], [jsonlInput, [2, 3, 5]]] as const) {
    const output = join(files.dir, 'blank-ids.jsonl.out');
    const result = await scoreFile({ model, input, output, sliceBytes: 16 });
    assert.equal(result.rows, 5);
    assert.deepEqual(result.blankIds, { count: 3, lines, column: 'show_id' }, input);
    assert.deepEqual(readFileSync(output, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).id), ['a', '2', '3', 'd', '5']);
  }
  const { blankIdsWarning } = await import('../../src/batch/blank-ids.js');
  assert.equal(
    blankIdsWarning({ count: 7, lines: [3, 4, 6, 9, 10], column: 'show_id' }, 'in.csv'),
    '7 row(s) of in.csv have a blank show_id (lines 3, 4, 6, 9, 10, ...); expected an id in every row: they are written with their row numbers as ids',
  );
  assert.equal(blankIdsWarning({ count: 0, lines: [], column: null }, 'in.csv'), null);
  const noIdColumn = await scoreFile({ model, input: files('no-id.csv', 'description\nA spy story.\nA love story.\n'), output: join(files.dir, 'no-id.jsonl') });
  assert.equal(noIdColumn.blankIds.count, 0, 'a file without an id column is numbered as documented, without a warning');
});

test('fail: the malformed row fails the run with its line, and no output file is left', async () => {
  for (const [input, workers] of [[jsonl, 1], [csv, 1], [jsonl, 2], [csv, 2], [csv, SLICED_FROM_WORKERS]] as const) {
    const output = join(files.dir, `fail-${workers}.jsonl`);
    // CSV with SLICED_FROM_WORKERS workers: the threads read slices of ~4 KB themselves (the bad row in a middle one).
    const error = await rejectsWith(scoreFile({ model, input, output, onError: 'fail', workers, chunkRows: 256, sliceBytes: 4096 }));
    assert.equal(error.line, BAD_LINE + (input === csv ? 1 : 0), error.message);
    assert.match(error.message, new RegExp(`line ${BAD_LINE + (input === csv ? 1 : 0)}\\b`));
    assert.equal(existsSync(output), false, 'a failed run writes no partial output');
  }
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file left behind');
});

test('--workers 2 and 3 write the same bytes as --workers 1, in input order (JSON Lines and CSV; a bag\'s CSV read in slices: by this thread for 1, by the workers for 2 and 3)', async () => {
  for (const [input, workers] of [[jsonl, 2], [csv, 2], [csv, SLICED_FROM_WORKERS]] as const) {
    const one = join(files.dir, 'one.jsonl');
    const two = join(files.dir, 'two.jsonl');
    const a = await scoreFile({ model, input, output: one, onError: 'skip', workers: 1, chunkRows: 100, sliceBytes: 4096 });
    const b = await scoreFile({ model, input, output: two, onError: 'skip', workers, chunkRows: 100, sliceBytes: 4096 });
    assert.equal(a.rows, ROWS - 1);
    assert.equal(b.rows, ROWS - 1);
    assert.deepEqual(b.problems, a.problems);
    const bytes = readFileSync(two);
    assert.ok(bytes.equals(readFileSync(one)), `${input}: outputs differ`);
    const ids = bytes.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l).id);
    assert.deepEqual(ids, expectedIds);
  }
});

test('--scores decided|none reach the worker threads: the same bytes for 1, 2 and 3 workers, each row the full row restricted', async () => {
  const { restrictScores } = await import('../../src/batch/score-choice.js');
  const full = join(files.dir, 'scores-all.jsonl');
  await scoreFile({ model, input: csv, output: full, onError: 'skip', workers: 1, chunkRows: 100, topK: 2 });
  const fullRows = readFileSync(full, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { genres: string[]; scores: Record<string, number> });
  for (const choice of ['decided', 'none'] as const) {
    const one = join(files.dir, `scores-${choice}-1.jsonl`);
    await scoreFile({ model, input: csv, output: one, onError: 'skip', workers: 1, chunkRows: 100, topK: 2, scores: choice });
    const written = readFileSync(one);
    const expected = fullRows.map((r) => JSON.stringify(restrictScores(r, choice)) + '\n').join('');
    assert.equal(written.toString('utf8'), expected, `${choice}: rows are the full rows restricted`);
    for (const workers of [2, SLICED_FROM_WORKERS]) {
      const many = join(files.dir, `scores-${choice}-${workers}.jsonl`);
      await scoreFile({ model, input: csv, output: many, onError: 'skip', workers, chunkRows: 100, sliceBytes: 4096, topK: 2, scores: choice });
      assert.ok(readFileSync(many).equals(written), `${choice}, ${workers} workers: outputs differ`);
    }
  }
});

test('a malformed CSV record (a quote not closed where it should be) fails with its line however the file is read, nothing written', async () => {
  const lines = ['id,description', ...Array.from({ length: 300 }, (_, i) => `${i + 1},"${row(i + 1).text}"`)];
  lines.splice(201, 0, '200b,"Never closed');
  const input = files('unclosed.csv', lines.join('\n') + '\n');
  for (const workers of [1, 2, SLICED_FROM_WORKERS]) {
    const output = join(files.dir, `unclosed-${workers}.jsonl`);
    const error = await rejectsWith(scoreFile({ model, input, output, onError: 'skip', workers, sliceBytes: 1024 }));
    assert.equal(error.line, 202, `${workers} worker(s): ${error.message}`);
    assert.match(error.message, /malformed CSV/);
    assert.equal(existsSync(output), false);
  }
});

test('a model that cannot be loaded fails with a message naming it, from the workers too', async () => {
  for (const workers of [1, 2]) {
    const output = join(files.dir, `nomodel-${workers}.jsonl`);
    const error = await rejectsWith(scoreFile({ model: join(files.dir, 'nope'), input: jsonl, output, workers }));
    assert.match(error.message, /nope.*manifest\.json/);
    assert.equal(existsSync(output), false);
  }
});

test('a bag whose weights fail their check while the worker threads start fails naming the file, nothing written, the threads stopped', async () => {
  const damaged = join(files.dir, 'damaged-bag');
  cpSync(model, damaged, { recursive: true });
  const version = readdirSync(damaged).find((name) => name.startsWith('v-'))!;
  const bin = join(damaged, version, 'linear.bin');
  const bytes = readFileSync(bin);
  bytes[8] ^= 0xff;
  writeFileSync(bin, bytes);
  for (const workers of [1, 2]) {
    const output = join(files.dir, `damaged-${workers}.jsonl`);
    const error = await rejectsWith(scoreFile({ model: damaged, input: csv, output, workers, onError: 'skip' }));
    assert.match(error.message, /linear\.bin.*sha256/);
    assert.equal(existsSync(output), false);
  }
});

test('mapInOrder writes results in item order however the jobs finish, with bounded jobs in flight', async () => {
  const written: number[] = [];
  let inFlight = 0;
  let most = 0;
  async function* items() {
    for (let i = 0; i < 40; i++) yield i;
  }
  await mapInOrder(
    items(),
    async (i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      inFlight -= 1;
      return i * 10;
    },
    (result, i) => {
      assert.equal(result, i * 10);
      written.push(i);
    },
    4,
  );
  assert.deepEqual(written, Array.from({ length: 40 }, (_, i) => i));
  assert.ok(most <= 4, `at most 4 in flight, saw ${most}`);
});

test('mapInOrder rethrows a failed job when its turn comes, without unhandled rejections', async () => {
  async function* items() {
    for (let i = 0; i < 10; i++) yield i;
  }
  await assert.rejects(
    mapInOrder(items(), async (i) => {
      if (i === 3) throw new Error('job 3 failed');
      return i;
    }, () => {}, 4),
    /job 3 failed/,
  );
});
