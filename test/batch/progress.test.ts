/** The batch progress bar: on a terminal only (never in CI or with --quiet), with a percentage once the file's lines are counted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchProgress } from '../../src/batch/progress.js';
import { fixtureFolder } from '../helpers/files.js';

const files = fixtureFolder('batch-progress');

function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  Object.assign(stream, { isTTY: tty, columns: 120 });
  let written = '';
  stream.on('data', (c: Buffer) => (written += c.toString('utf8')));
  return { stream, text: () => written };
}

async function withoutCI<T>(f: () => Promise<T>): Promise<T> {
  const saved = process.env.CI;
  delete process.env.CI;
  try {
    return await f();
  } finally {
    if (saved !== undefined) process.env.CI = saved;
  }
}

test('a terminal gets rows, rows/s and, once the lines are counted, a percentage', async () => {
  const input = files('in.jsonl', Array.from({ length: 100 }, (_, i) => `{"description":"row ${i}"}`).join('\n') + '\n');
  await withoutCI(async () => {
    const { stream, text } = fakeStream(true);
    const progress = batchProgress({ input, quiet: false, stream });
    await sleep(50); // the background line count finishes
    progress.update(50, 50);
    await sleep(250);
    progress.stop();
    const out = text();
    assert.match(out, /scoring \[.*\] 50% \| 50 rows \| [\d,]+ rows\/s \| ETA/);
  });
});

test('nothing on a non-terminal, with --quiet, or in CI', async () => {
  const input = files('quiet.jsonl', '{"description":"x"}\n');
  await withoutCI(async () => {
    for (const [tty, quiet] of [[false, false], [true, true]]) {
      const { stream, text } = fakeStream(tty);
      const progress = batchProgress({ input, quiet, stream });
      progress.update(1, 1);
      progress.stop();
      assert.equal(text(), '');
    }
  });
  const saved = process.env.CI;
  process.env.CI = 'true';
  try {
    const { stream, text } = fakeStream(true);
    const progress = batchProgress({ input, quiet: false, stream });
    progress.update(1, 1);
    progress.stop();
    assert.equal(text(), '');
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});
