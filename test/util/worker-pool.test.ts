import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool, workerSource } from '../../src/util/worker-pool.js';

/** A worker that doubles `value`, or exits when told to (a crash mid-run). */
const DOUBLER = {
  eval: true,
  code: `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.task.die) process.exit(3);
  parentPort.postMessage({ type: 'done', id: m.id, result: m.task.value * 2 });
});
parentPort.postMessage({ type: 'ready' });`,
};

test('a worker that dies fails its own task; the live workers take every later one', async () => {
  const pool = await WorkerPool.start<{ value?: number; die?: boolean }, number>(2, DOUBLER, null, 'test worker');
  try {
    await assert.rejects(pool.run({ die: true }), /test worker \d stopped \(exit code 3\)/);
    const results = await Promise.all([1, 2, 3, 4].map((value) => pool.run({ value })));
    assert.deepEqual(results, [2, 4, 6, 8]);
  } finally {
    await pool.close();
  }
});

test('with every worker dead, a task is refused with the reason', async () => {
  const pool = await WorkerPool.start<{ value?: number; die?: boolean }, number>(1, DOUBLER, null, 'test worker');
  try {
    await assert.rejects(pool.run({ die: true }), /stopped/);
    await assert.rejects(pool.run({ value: 1 }), /test worker 1 stopped/);
  } finally {
    await pool.close();
  }
});

test('workerSource: a compiled caller starts the .js entry; a TypeScript caller (even with a tsx query) the .ts entry through tsx', () => {
  const compiled = workerSource('file:///app/dist/batch/scoring-pool.js', 'scoring-worker');
  assert.equal(compiled.eval, false);
  assert.equal(String(compiled.entry), 'file:///app/dist/batch/scoring-worker.js');
  for (const caller of ['file:///app/src/batch/scoring-pool.ts', 'file:///app/src/batch/scoring-pool.ts?tsx-namespace=123']) {
    const source = workerSource(caller, 'scoring-worker');
    assert.equal(source.eval, true, caller);
    assert.equal(String(source.entry), 'file:///app/src/batch/scoring-worker.ts');
    assert.match(String(source.code), /tsImport/);
  }
});
