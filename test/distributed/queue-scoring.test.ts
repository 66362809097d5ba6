/**
 * Distributed batch scoring in one process: `scoreFileOnQueue` (the coordinator) and two shard workers
 * on a real Redis (REDIS_URL, started by .ci/run), against `scoreFile` on the same input: the same
 * bytes, skipped rows reported alike, a worker with another model refusing its shards, and no shard
 * files left behind. Skips when REDIS_URL is unset.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { useBackend } from '../../src/engine/backend.js';
import { scoreFile } from '../../src/batch/score-file.js';
import { scoreFileOnQueue } from '../../src/distributed/coordinator.js';
import { startShardWorker, type RunningShardWorker, type ShardWorkerEvent } from '../../src/distributed/shard-worker.js';
import { parseRedisUrl } from '../../src/distributed/redis-connection.js';
import { readModelId } from '../../src/models/model-id.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';
import { TEXTS } from '../models/fixtures.js';
import { saveTinyModel } from '../batch/tiny-model.js';
import { savedNumbersModel } from '../serving/fixtures.js';
import { fieldValueWarnings } from '../../src/batch/field-value-problems.js';

const REDIS_URL = process.env.REDIS_URL;
const skip = REDIS_URL === undefined ? 'REDIS_URL is not set (.ci/run starts redis-server and sets it); skipping the BullMQ tests' : false;
const files = fixtureFolder('distributed');
const model = join(files.dir, 'model');
const otherModel = join(files.dir, 'other-model');
const ROWS = 500;
const BAD_LINE = 123;
let input = '';
const workers: RunningShardWorker[] = [];
/** A queue name of its own per test file run, so parallel runs on one Redis do not meet. */
const queueName = `plotline-test-${process.pid}`;

before(async () => {
  await useBackend('wasm');
  await saveTinyModel(model);
  await saveTinyModel(otherModel, 'cnn');
  const lines: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const text = `${TEXTS[i % TEXTS.length]} ${TEXTS[(i * 7) % TEXTS.length]}`.split(' ').slice(0, 3 + (i % 11)).join(' ');
    lines.push(i === BAD_LINE ? '{"id":"broken"}' : JSON.stringify({ id: `t${i}`, description: text }));
  }
  input = files('rows.jsonl', lines.join('\n') + '\n');
});

after(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

test('two workers score the shards; the output is byte-identical to predict --input, skipped rows alike', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  const events: ShardWorkerEvent[] = [];
  for (let i = 0; i < 2; i++) workers.push(await startShardWorker({ queue: url, queueName, model, log: (e) => events.push(e) }));
  const single = join(files.dir, 'single.jsonl');
  const expected = await scoreFile({ model, input, output: single, onError: 'skip', topK: 2 });
  const output = join(files.dir, 'queued.jsonl');
  const result = await scoreFileOnQueue({ model, input, output, queue: url, queueName, shardSize: 37, onError: 'skip', topK: 2 });
  assert.deepEqual(readFileSync(output), readFileSync(single));
  assert.equal(result.rows, expected.rows);
  assert.equal(result.shards, Math.ceil((ROWS - 1) / 37));
  assert.deepEqual(result.problems, expected.problems);
  assert.equal(result.skipped, 1);
  assert.equal(result.workers.length, result.shards);
  const done = events.filter((e) => e.event === 'done');
  assert.equal(done.length, result.shards, 'every shard scored exactly once');
  assert.deepEqual(new Set(done.map((e) => (e as { shard: number }).shard)).size, result.shards);
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.startsWith('.')), [], 'no shard folder or temporary file left');
});

test('--scores none and decided travel with the shards: the output is byte-identical to predict --input with the same choice', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  if (workers.length === 0) for (let i = 0; i < 2; i++) workers.push(await startShardWorker({ queue: url, queueName, model }));
  for (const scores of ['none', 'decided'] as const) {
    const single = join(files.dir, `single-${scores}.jsonl`);
    await scoreFile({ model, input, output: single, onError: 'skip', topK: 2, scores });
    const output = join(files.dir, `queued-${scores}.jsonl`);
    await scoreFileOnQueue({ model, input, output, queue: url, queueName, shardSize: 53, onError: 'skip', topK: 2, scores });
    assert.deepEqual(readFileSync(output), readFileSync(single), scores);
    const first = JSON.parse(readFileSync(output, 'utf8').split('\n')[0]) as Record<string, unknown>;
    assert.equal('scores' in first, scores === 'decided');
  }
});

test('field values the model cannot use, repeated ids, unknown families and rows without fields are reported as predict --input reports them', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  const name = `${queueName}-fields`;
  const numbers = await savedNumbersModel();
  try {
    workers.push(await startShardWorker({ queue: url, queueName: name, model: numbers.modelDir }));
    const rows = ['{"id":"a","description":"love","type":"Movie","release_year":"abc"}', '{"id":"b","description":"a killer robot","release_year":"2001"}', '{"id":"c","description":"love","release_year":"99999999999999999999"}', '{"id":"d","description":"love","release_year":"soon"}', '{"id":"a","description":"a robot","type":"Cartoon"}', '{"id":"e","description":"plain"}'];
    const fieldsInput = files('fields.jsonl', rows.join('\n') + '\n');
    const expected = await scoreFile({ model: numbers.modelDir, input: fieldsInput, output: join(files.dir, 'fields-single.jsonl') });
    const result = await scoreFileOnQueue({ model: numbers.modelDir, input: fieldsInput, output: join(files.dir, 'fields-queued.jsonl'), queue: url, queueName: name, shardSize: 2 });
    const warnings = fieldValueWarnings(result.fieldValues, fieldsInput);
    assert.deepEqual(warnings, fieldValueWarnings(expected.fieldValues, fieldsInput));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /^2 row\(s\) of .*fields\.jsonl have a release_year that is not a number \(first: line 1, release_year="abc"/);
    assert.match(warnings[1], /^1 row\(s\) of .*fields\.jsonl have a release_year out of range \(first: line 3, /);
    // The other checks of the rows, as predict --input makes them: a repeated id, a type the rules do not know, a row without fields.
    assert.deepEqual(
      { duplicateIds: result.duplicateIds, unknownFamilies: result.unknownFamilies, fieldless: result.fieldless, fields: result.fields, rules: result.rules },
      { duplicateIds: expected.duplicateIds, unknownFamilies: expected.unknownFamilies, fieldless: expected.fieldless, fields: expected.fields, rules: expected.rules },
    );
    assert.equal(result.duplicateIds.count, 1);
    assert.deepEqual(result.unknownFamilies, { count: 1, lines: [5], values: ['Cartoon'] });
    // Scored from the description alone: e (no field), and c, d and the Cartoon row, whose only values the model drops.
    assert.deepEqual(result.fieldless, { count: 4, rows: 6, unusable: 3 });
  } finally {
    await numbers.remove();
  }
});

test('a worker refuses shards queued for another model; the run fails naming both and leaves no output', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  const name = `${queueName}-other`;
  const events: ShardWorkerEvent[] = [];
  const wrong = await startShardWorker({ queue: url, queueName: name, model: otherModel, log: (e) => events.push(e) });
  workers.push(wrong);
  const output = join(files.dir, 'refused.jsonl');
  const error = await rejectsWith(scoreFileOnQueue({ model, input, output, queue: url, queueName: name, shardSize: 1000, onError: 'skip', attempts: 3, backoffMs: 10 }));
  assert.match(error.message, /shard 0 \(input lines 1-500\) failed on the queue/);
  assert.match(error.message, new RegExp(`has model ${wrong.modelId}.*queued for model ${await readModelId(model)}`));
  assert.equal(events.filter((e) => e.event === 'started').length, 0, 'refused before scoring, and not retried');
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.startsWith('refused') || f.startsWith('.')), []);
});

test('a job that is not a Plotline shard fails at once, naming the field', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  const name = `${queueName}-foreign`;
  const events: ShardWorkerEvent[] = [];
  workers.push(await startShardWorker({ queue: url, queueName: name, model, log: (e) => events.push(e) }));
  const queue = new Queue(name, { connection: { host: url.hostname, port: Number(url.port) } });
  try {
    const job = await queue.add('score-shard', { run: 'x', shard: 0, modelId: 'bag-0', rows: 'r', output: 'o', count: 0, firstLine: 1, lastLine: 1 }, { attempts: 3 });
    while (!(await job.isFailed())) await sleep(20);
    const failed = await queue.getJob(job.id!);
    assert.match(failed!.failedReason, /is not a Plotline shard \(field "count": /);
    assert.equal(failed!.attemptsMade, 1, 'not retried');
  } finally {
    await queue.close();
  }
});

test('a shard that keeps failing is retried (attempts, backoff) and then fails the run with the worker\'s reason', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  const name = `${queueName}-retry`;
  const events: ShardWorkerEvent[] = [];
  workers.push(await startShardWorker({ queue: url, queueName: name, model, log: (e) => events.push(e) }));
  // A folder where shard 0's result should go: every attempt to rename the result into place fails.
  const workDir = join(files.dir, 'retry-work');
  mkdirSync(join(workDir, 'shard-000000.out.jsonl'), { recursive: true });
  const output = join(files.dir, 'retried.jsonl');
  const error = await rejectsWith(scoreFileOnQueue({ model, input, output, queue: url, queueName: name, shardSize: 1000, onError: 'skip', attempts: 3, backoffMs: 20, workDir }));
  assert.match(error.message, /shard 0 \(input lines 1-500\) failed on the queue: .*cannot write the shard's result/);
  assert.equal(events.filter((e) => e.event === 'started').length, 3, 'three attempts');
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.startsWith('retr') || f.startsWith('.')), [], 'no output, work folder removed');
});

test('an interrupted run takes its shards off the queue and writes nothing', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  const name = `${queueName}-interrupted`; // no worker takes these
  const controller = new AbortController();
  const output = join(files.dir, 'interrupted.jsonl');
  const run = scoreFileOnQueue({ model, input, output, queue: url, queueName: name, shardSize: 100, onError: 'skip', signal: controller.signal });
  const queue = new Queue(name, { connection: { host: url.hostname, port: Number(url.port) } });
  try {
    while ((await queue.getWaitingCount()) < 5) await sleep(20);
    controller.abort();
    const error = await rejectsWith(run);
    assert.match(error.message, /interrupted/);
    assert.equal(await queue.getWaitingCount(), 0, 'no shard left queued');
  } finally {
    await queue.close();
  }
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.startsWith('interrupted') || f.startsWith('.')), []);
});

test('a malformed row fails the run (onError fail) with its line, before anything is written', { skip }, async () => {
  const url = parseRedisUrl(REDIS_URL!);
  const output = join(files.dir, 'failed.jsonl');
  const error = await rejectsWith(scoreFileOnQueue({ model, input, output, queue: url, queueName, shardSize: 50 }));
  assert.match(error.message, new RegExp(`line ${BAD_LINE}`));
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.startsWith('failed') || f.startsWith('.')), []);
});

test('no Redis at the URL: a clear error within the timeout', async () => {
  const error = await rejectsWith(scoreFileOnQueue({ model, input, output: join(files.dir, 'none.jsonl'), queue: parseRedisUrl('redis://127.0.0.1:1'), connectTimeoutMs: 300 }));
  assert.match(error.message, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
});

test('--queue takes only redis:// URLs', () => {
  assert.throws(() => parseRedisUrl('http://localhost:6379'), /expected a Redis URL like redis:\/\/127\.0\.0\.1:6379/);
  assert.throws(() => parseRedisUrl('localhost:6379'), /expected a Redis URL/);
  assert.equal(parseRedisUrl('redis://10.0.0.5:6380/2').port, '6380');
});
