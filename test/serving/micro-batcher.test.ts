import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MicroBatcher } from '../../src/serving/micro-batcher.js';

/** A fake model with 2 "genres": row i of text t is [t.length, index of t in its batch]. */
function fakeModel() {
  const calls: string[][] = [];
  const score = async (texts: readonly string[]) => {
    calls.push([...texts]);
    const out = new Float32Array(texts.length * 2);
    texts.forEach((t, i) => out.set([t.length, i], i * 2));
    return out;
  };
  return { calls, score };
}

test('requests arriving within maxWaitMs share one forward pass and each gets its own rows', async () => {
  const model = fakeModel();
  const batcher = new MicroBatcher(model.score, 2, { maxBatch: 100, maxWaitMs: 20 });
  const [a, b, c] = await Promise.all([batcher.score(['x']), batcher.score(['yy', 'zzz']), batcher.score(['wwww'])]);
  assert.deepEqual(model.calls, [['x', 'yy', 'zzz', 'wwww']]);
  assert.deepEqual(Array.from(a), [1, 0]);
  assert.deepEqual(Array.from(b), [2, 1, 3, 2]);
  assert.deepEqual(Array.from(c), [4, 3]);
  assert.equal(batcher.forwardPasses, 1);
  assert.equal(batcher.requests, 3);
  assert.equal(batcher.texts, 4);
});

test('a full batch is scored at once, without waiting; a request never straddles two batches', async () => {
  const model = fakeModel();
  const batcher = new MicroBatcher(model.score, 2, { maxBatch: 3, maxWaitMs: 10_000 });
  const started = performance.now();
  const first = batcher.score(['a', 'b']);
  const second = batcher.score(['c', 'd']); // would make 4 > 3: ['a','b'] goes first
  const third = batcher.score(['e']); // fills ['c','d','e'] to 3: scored now
  await Promise.all([first, second, third]);
  assert.ok(performance.now() - started < 5_000, 'did not wait for maxWaitMs');
  assert.deepEqual(model.calls, [['a', 'b'], ['c', 'd', 'e']]);
  assert.deepEqual(Array.from(await third), [1, 2]);
  // One request larger than maxBatch is scored alone, whole.
  assert.deepEqual(Array.from(await batcher.score(['p', 'q', 'r', 's'])), [1, 0, 1, 1, 1, 2, 1, 3]);
});

test('a failing forward pass rejects every caller in the batch; the next batch works', async () => {
  let fail = true;
  const batcher = new MicroBatcher(
    async (texts) => {
      if (fail) throw new Error('forward pass failed');
      return new Float32Array(texts.length);
    },
    1,
    { maxBatch: 10, maxWaitMs: 5 },
  );
  const results = await Promise.allSettled([batcher.score(['a']), batcher.score(['b']), batcher.score(['c'])]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
  for (const r of results) assert.match(String((r as PromiseRejectedResult).reason), /forward pass failed/);
  fail = false;
  assert.equal((await batcher.score(['d'])).length, 1);
});

test('a model returning the wrong number of scores rejects the callers', async () => {
  const batcher = new MicroBatcher(async () => new Float32Array(1), 3, { maxBatch: 10, maxWaitMs: 1 });
  await assert.rejects(batcher.score(['a']), /returned 1 scores for 1 texts x 3 genres/);
});

test('drain resolves at once when idle, and after the waiting requests are answered otherwise', async () => {
  const model = fakeModel();
  const batcher = new MicroBatcher(model.score, 2, { maxBatch: 10, maxWaitMs: 30 });
  await batcher.drain();
  let answered = false;
  const request = batcher.score(['a']).then(() => (answered = true));
  assert.equal(batcher.pending, 1);
  await batcher.drain();
  assert.equal(answered, true, 'the request was answered before drain resolved');
  assert.equal(batcher.pending, 0);
  await request;
});

test('an empty request resolves with no rows and no forward pass', async () => {
  const model = fakeModel();
  const batcher = new MicroBatcher(model.score, 2, { maxBatch: 10, maxWaitMs: 1 });
  assert.equal((await batcher.score([])).length, 0);
  assert.equal(batcher.forwardPasses, 0);
});

test('bad settings are refused', () => {
  const score = async () => new Float32Array(0);
  assert.throws(() => new MicroBatcher(score, 0, { maxBatch: 1, maxWaitMs: 1 }), /width/);
  assert.throws(() => new MicroBatcher(score, 2, { maxBatch: 0, maxWaitMs: 1 }), /maxBatch/);
  assert.throws(() => new MicroBatcher(score, 2, { maxBatch: 1, maxWaitMs: -1 }), /maxWaitMs/);
});
