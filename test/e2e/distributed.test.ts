/**
 * Distributed batch scoring end to end through the built CLI, as an operator runs it: a 20,000-row CSV
 * (the real catalogue's descriptions, repeated under new ids), `plotline predict --queue` as the
 * coordinator, two `plotline worker` child processes, one of them SIGKILLed while it scores a shard.
 * Its shard goes back on the queue (BullMQ's stalled-job check, a 5 s lock here), the other worker
 * scores it, and the output equals the single-process `predict --input` output byte for byte, every
 * shard scored to completion exactly once. Needs Redis (REDIS_URL, started by .ci/run) and
 * ../shared/data; skips with a message otherwise.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { BUILT_CLI, SHARED_DATA, realSubsetSuite, skipWithoutSharedData, runBuiltCli } from './real-subset.js';

const REDIS_URL = process.env.REDIS_URL;
const skip = skipWithoutSharedData || (REDIS_URL === undefined ? 'REDIS_URL is not set (.ci/run starts redis-server and sets it); skipping distributed scoring' : false);
const work = mkdtempSync(join(tmpdir(), 'plotline-e2e-distributed-'));
const data = join(work, 'titles.csv');
const split = join(work, 'split.csv');
const model = join(work, 'model');
const input = join(work, 'to-score.csv');
const ROWS = 20_000;
const SHARD_ROWS = 2_000;
const queueName = `plotline-e2e-${process.pid}`;
const children: ChildProcess[] = [];

const plotline = runBuiltCli;

interface WorkerEvent {
  event: string;
  worker?: string;
  shard?: number;
  run?: string;
}

/** A `plotline worker` child: its events as they come, and a promise of the first one matching. */
function startWorker(): { child: ChildProcess; events: WorkerEvent[]; next(match: (e: WorkerEvent) => boolean): Promise<WorkerEvent> } {
  const child = spawn(process.execPath, [BUILT_CLI, 'worker', '--queue', REDIS_URL!, '--queue-name', queueName, '--model', model, '--lock-duration-ms', '5000', '--stalled-interval-ms', '1000'], {
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const events: WorkerEvent[] = [];
  const waiting: { match: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as WorkerEvent;
    events.push(event);
    for (const w of waiting.splice(0)) {
      if (w.match(event)) w.resolve(event);
      else waiting.push(w);
    }
  });
  return {
    child,
    events,
    next: (match) => {
      const seen = events.find(match);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ match, resolve }));
    },
  };
}

realSubsetSuite({ work, dataFile: data, splitFile: split }, () => {
  // The descriptions of the whole catalogue, repeated under new ids to 20,000 rows.
  const titles = parse(readFileSync(join(SHARED_DATA, 'netflix_titles.csv')), { columns: true, bom: true }) as { description: string }[];
  const rows = Array.from({ length: ROWS }, (_, i) => ({ id: `r${i + 1}`, description: titles[i % titles.length].description }));
  writeFileSync(input, stringify(rows, { header: true, columns: ['id', 'description'] }));
});
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

test('20,000 rows on 2 workers, one SIGKILLed mid-shard: the output equals predict --input byte for byte', { skip, timeout: 240_000 }, async () => {
  const trained = await plotline('train', '--data', data, '--split', split, '--model', 'bag', '--out', model, '--epochs', '2', '--seed', '5', '--config', '{"buckets":4096,"embeddingDim":16}', '--quiet');
  assert.equal(trained.code, 0, trained.stderr);
  const single = join(work, 'single.jsonl');
  const direct = await plotline('predict', '--model', model, '--input', input, '--output', single, '--top-k', '2');
  assert.equal(direct.code, 0, direct.stderr);

  const doomed = startWorker();
  const survivor = startWorker();
  await Promise.all([doomed.next((e) => e.event === 'ready'), survivor.next((e) => e.event === 'ready')]);
  const output = join(work, 'queued.jsonl');
  const coordinator = plotline('predict', '--model', model, '--input', input, '--output', output, '--top-k', '2', '--queue', REDIS_URL!, '--queue-name', queueName, '--shard-size', String(SHARD_ROWS));
  const started = await doomed.next((e) => e.event === 'started');
  doomed.child.kill('SIGKILL');
  const result = await coordinator;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(doomed.child.signalCode, 'SIGKILL');

  assert.ok(readFileSync(output).equals(readFileSync(single)), 'the distributed output is byte-identical to predict --input');
  assert.equal(readFileSync(output, 'utf8').split('\n').length - 1, ROWS);
  const doneBy = (w: { events: WorkerEvent[] }) => w.events.filter((e) => e.event === 'done' && e.run === started.run).map((e) => e.shard!);
  assert.ok(!doneBy(doomed).includes(started.shard!), `the killed worker was stopped mid-shard (shard ${started.shard} never finished there)`);
  assert.ok(doneBy(survivor).includes(started.shard!), 'the killed worker\'s shard was taken up by the other worker');
  const done = [...doneBy(doomed), ...doneBy(survivor)].sort((a, b) => a - b);
  assert.deepEqual(done, Array.from({ length: ROWS / SHARD_ROWS }, (_, i) => i), `every shard scored to completion exactly once: none lost, none twice (worker events: ${JSON.stringify({ doomed: doomed.events, survivor: survivor.events })})`);
  assert.deepEqual(readdirSync(work).filter((f) => f.startsWith('.')), [], 'no shard folder or temporary file left');

  survivor.child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => survivor.child.once('exit', (exitCode) => resolve(exitCode)));
  assert.equal(code, 0, 'a worker stops cleanly on SIGTERM');
});
