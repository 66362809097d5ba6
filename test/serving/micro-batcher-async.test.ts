/**
 * The micro-batcher with a model that scores asynchronously (an encoder + head model embeds in worker
 * threads or ONNX Runtime): drain() waits for passes in flight, and requests arriving during a pass
 * are scored in a pass of their own, each caller getting exactly its own rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MicroBatcher } from '../../src/serving/micro-batcher.js';

/**
 * A model with 3 "genres" answering after `delayMs`: row of text t is [t.length, index of t in its
 * pass, pass number]. Records each pass's texts and whether it has finished.
 */
function slowModel(delayMs: number) {
  const passes: { texts: string[]; finished: boolean }[] = [];
  const score = async (texts: readonly string[]): Promise<Float32Array> => {
    const pass = { texts: [...texts], finished: false };
    passes.push(pass);
    const number = passes.length;
    await sleep(delayMs);
    const out = new Float32Array(texts.length * 3);
    texts.forEach((t, i) => out.set([t.length, i, number], i * 3));
    pass.finished = true;
    return out;
  };
  return { passes, score };
}

/** Polls until `condition` holds (a pass has started), failing after a second. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 2) {
    if (waited > 1000) assert.fail('timed out waiting for a forward pass to start');
    await sleep(2);
  }
}

const rows = (scores: Float32Array): number[][] => Array.from({ length: scores.length / 3 }, (_, i) => Array.from(scores.subarray(i * 3, i * 3 + 3)));

test('drain waits for the pass in flight; a batch queued meanwhile gets its own pass; every caller gets its rows', async () => {
  const model = slowModel(40);
  const batcher = new MicroBatcher(model.score, 3, { maxBatch: 10, maxWaitMs: 1 });
  const settled: string[] = [];
  const track = (name: string, p: Promise<Float32Array>): Promise<Float32Array> =>
    p.then((scores) => {
      settled.push(name);
      return scores;
    });

  // A lone request: once its pass has started nothing is queued, yet drain must wait for the pass.
  const lone = track('lone', batcher.score(['solo']));
  await until(() => model.passes.length === 1);
  assert.equal(batcher.pending, 0);
  await batcher.drain();
  assert.equal(model.passes[0].finished, true, 'drain resolved only after the pass finished');
  assert.deepEqual(settled, ['lone'], 'the caller was answered before drain resolved');
  assert.deepEqual(rows(await lone), [[4, 0, 1]]);

  // Two passes overlapping: the second batch is queued while the first is being scored.
  const first = track('a', batcher.score(['a', 'bb']));
  await until(() => model.passes.length === 2);
  assert.equal(model.passes[1].finished, false, 'the first pass is still in flight');
  const second = track('c', batcher.score(['ccc']));
  const third = track('d', batcher.score(['dddd', 'e']));
  assert.equal(batcher.pending, 3);
  const drained = batcher.drain().then(() => settled.push('drained'));
  await until(() => model.passes.length === 3);
  assert.equal(model.passes[1].finished, false, 'the second pass started while the first was in flight');

  await drained;
  assert.deepEqual(model.passes.map((p) => p.texts), [['solo'], ['a', 'bb'], ['ccc', 'dddd', 'e']]);
  assert.ok(model.passes.every((p) => p.finished), 'drain resolved after every pass finished');
  assert.equal(settled[settled.length - 1], 'drained', `drain resolved last: ${settled.join(', ')}`);
  assert.deepEqual(rows(await first), [[1, 0, 2], [2, 1, 2]]);
  assert.deepEqual(rows(await second), [[3, 0, 3]]);
  assert.deepEqual(rows(await third), [[4, 1, 3], [1, 2, 3]]);
  assert.equal(batcher.forwardPasses, 3);
  assert.equal(batcher.requests, 4);
  assert.equal(batcher.texts, 6);
  assert.equal(batcher.pending, 0);
  // Idle again: drain resolves at once.
  await batcher.drain();
});
