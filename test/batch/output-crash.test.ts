/**
 * Crash safety of `predict --output`: a child process scores a file over an existing output and is
 * killed (SIGKILL, through PLOTLINE_FAULT_AT) at every step in turn. After every kill the output is
 * the complete old file or the complete new one; the temporary files of the killed runs are removed by
 * the run that finishes. Interrupted with SIGINT / SIGTERM mid-write, a run removes its temporary file
 * itself and exits 130 / 143.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../../src/engine/backend.js';
import { scoreFile } from '../../src/batch/score-file.js';
import { fixtureFolder } from '../helpers/files.js';
import { TEXTS } from '../models/fixtures.js';
import { saveTinyModel } from './tiny-model.js';

const CHILD = fileURLToPath(new URL('../helpers/fault-child.ts', import.meta.url));
const files = fixtureFolder('output-crash');
const model = join(files.dir, 'model');
let input = '';

before(async () => {
  await useBackend('wasm');
  await saveTinyModel(model);
  input = files('rows.jsonl', Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i, description: TEXTS[i % TEXTS.length] })).join('\n') + '\n');
});

test('predict --output killed at any step leaves the complete old output or the complete new one, and the next run cleans up', async () => {
  const expectedFile = join(files.dir, 'expected.jsonl');
  await scoreFile({ model, input, output: expectedFile, chunkRows: 40 });
  const expected = readFileSync(expectedFile, 'utf8');
  const output = join(files.dir, 'out.jsonl');
  const old = '{"id":"from an earlier run"}\n';
  writeFileSync(output, old);
  let finished = false;
  let step = 1;
  for (; step <= 40 && !finished; step++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'predict', model, input, output], { env: { ...process.env, PLOTLINE_FAULT_AT: String(step) }, encoding: 'utf8' });
    finished = child.signal !== 'SIGKILL';
    if (finished) assert.equal(child.status, 0, child.stderr);
    const now = readFileSync(output, 'utf8');
    assert.ok(now === old || now === expected, `after a kill at step ${step}: the output is neither the old file nor the complete new one (${now.length} characters)`);
    if (now === expected) writeFileSync(output, old); // keep testing the replacement of a previous file
  }
  assert.ok(finished && step > 5, `one run per fault point (${step - 1} runs) and the last one finished`);
  assert.deepEqual(readdirSync(files.dir).filter((name) => name.includes('.tmp-')), [], 'no temporary file left');
});

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`predict --output interrupted by ${signal} mid-write removes its temporary file, leaves the old output and exits ${status}`, async () => {
    const output = join(files.dir, `interrupted-${signal}.jsonl`);
    const old = '{"id":"from an earlier run"}\n';
    writeFileSync(output, old);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'predict-stalled', model, input, output], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const exited = once(child, 'exit');
    const temporaries = () => readdirSync(files.dir).filter((name) => name.startsWith(`.interrupted-${signal}.jsonl.tmp-${child.pid}-`));
    // The first chunk is written and the second is being scored: the temporary file exists.
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => data.toString().includes('wrote a chunk') && resolve());
      void exited.then(() => reject(new Error(`the child exited before writing a chunk: ${stderr}`)));
    });
    assert.equal(temporaries().length, 1, 'a temporary file is being written');
    child.kill(signal);
    const [code, killedBy] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.deepEqual({ code, killedBy }, { code: status, killedBy: null }, stderr);
    assert.deepEqual(temporaries(), [], 'the temporary file is gone');
    assert.equal(readFileSync(output, 'utf8'), old, 'the output is untouched');
  });
}
