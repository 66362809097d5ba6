import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadPool, threadEntry } from '../../src/util/thread-pool.js';
import { PlotlineError } from '../../src/util/errors.js';
import type { DoublerTask } from '../helpers/doubler-thread.js';

const ENTRY = threadEntry(new URL('../helpers/x.ts', import.meta.url).href, 'doubler-thread');

test('tasks run on the threads, each set up with workerData, results in the order asked', async () => {
  const pool = await ThreadPool.start<DoublerTask, Float64Array>(ENTRY, 2, { factor: 3 }, 'test worker');
  try {
    assert.equal(pool.size, 2);
    const results = await Promise.all([1, 2, 3, 4, 5].map((value) => pool.run({ value })));
    assert.deepEqual(results.map((r) => [...r]), [[3], [6], [9], [12], [15]]);
    assert.ok(results[0] instanceof Float64Array);
  } finally {
    await pool.close();
  }
});

test('a PlotlineError crosses the thread as one, with its message; another error names the pool', async () => {
  const pool = await ThreadPool.start<DoublerTask, Float64Array>(ENTRY, 1, { factor: 2 }, 'test worker');
  try {
    await assert.rejects(pool.run({ plotlineError: true }), (error: Error) => {
      assert.ok(error instanceof PlotlineError);
      assert.match(error.message, /titles\.csv.*3.*row 3 has no text/);
      return true;
    });
    await assert.rejects(pool.run({ otherError: true }), (error: Error) => !(error instanceof PlotlineError) && /^test worker: something broke$/.test(error.message));
    assert.deepEqual([...(await pool.run({ value: 4 }))], [8]);
  } finally {
    await pool.close();
  }
});

test('a thread that cannot set itself up fails the start with its error', async () => {
  await assert.rejects(ThreadPool.start<DoublerTask, Float64Array>(ENTRY, 2, { factor: 2, failSetup: true }, 'test worker'), (error: Error) => {
    assert.ok(error instanceof PlotlineError);
    assert.match(error.message, /manifest\.json.*cannot read the model/);
    return true;
  });
});

test('a thread that dies fails its own task; the pool carries on with the others', async () => {
  const pool = await ThreadPool.start<DoublerTask, Float64Array>(ENTRY, 2, { factor: 2 }, 'test worker');
  try {
    await assert.rejects(pool.run({ die: true }), /^Error: test worker: /);
    const results = await Promise.all([1, 2, 3, 4].map((value) => pool.run({ value })));
    assert.deepEqual(results.map((r) => r[0]), [2, 4, 6, 8]);
  } finally {
    await pool.close();
  }
});

test('a size that is not a whole number >= 1 is refused', async () => {
  await assert.rejects(ThreadPool.start(ENTRY, 0, { factor: 2 }, 'test worker'), /size must be a whole number >= 1, got 0/);
});

test('threadEntry: a compiled caller runs the .js entry; a TypeScript caller (even with a tsx query) the .ts entry with tsx', () => {
  assert.deepEqual(threadEntry('file:///app/dist/batch/scoring-pool.js', 'scoring-worker'), { filename: '/app/dist/batch/scoring-worker.js', execArgv: [] });
  for (const caller of ['file:///app/src/batch/scoring-pool.ts', 'file:///app/src/batch/scoring-pool.ts?tsx-namespace=123']) {
    assert.deepEqual(threadEntry(caller, 'scoring-worker'), { filename: '/app/src/batch/scoring-worker.ts', execArgv: ['--import', 'tsx'] });
  }
});
