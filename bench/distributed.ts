/**
 * Distributed batch scoring throughput: `predict --input F --output O --queue` (scoreFileOnQueue, the
 * coordinator the CLI runs) with 1, 2 and 4 `plotline worker` processes (built CLI, model loaded before
 * the clock starts), over the catalogue's descriptions repeated to --rows, each against its peer run just
 * before it (so both see the same load on a shared machine): single-process `predict --input`
 * (scoreFile, model already loaded). Prints descriptions/s, the ratio to the peer, and the overhead per
 * shard: (queued run with 1 worker - its peer) / shards, plus the round trip of a 1-row shard
 * (--tiny-shards of them, 1 worker). Checks that every run wrote the same bytes as the peer.
 *
 * Redis: $REDIS_URL, else a redis-server started here on a free loopback port (Debian's package).
 * Model: --model DIR, else a `bag` trained here for 1 epoch on the catalogue (default settings).
 *
 *   npm run bench:distributed -- [--model DIR] [--rows 50000] [--shard-size 5000] [--workers 1,2,4] [--json]
 */
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import { scoreFile } from '../src/batch/score-file.js';
import { scoreFileOnQueue } from '../src/distributed/coordinator.js';
import { parseRedisUrl } from '../src/distributed/redis-connection.js';
import { useBackend } from '../src/engine/backend.js';
import { loadModel } from '../src/models/storage.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    rows: { type: 'string', default: '50000' },
    'shard-size': { type: 'string', default: '5000' },
    workers: { type: 'string', default: '1,2,4' },
    'tiny-shards': { type: 'string', default: '100' },
    data: { type: 'string', default: '../shared/data/netflix_titles.csv' },
    json: { type: 'boolean', default: false },
  },
});
const say = (line: string) => {
  if (!values.json) console.error(line);
};
const CLI = resolve('dist/cli/main.js');
if (!existsSync(CLI)) {
  console.error('bench/distributed: build first (npm run build)');
  process.exit(1);
}
const data = resolve(values.data);
if (!existsSync(data)) {
  console.log(`bench/distributed: skipped: catalogue not found at ${data} (--data PATH)`);
  process.exit(0);
}
const rows = Number(values.rows);
const shardSize = Number(values['shard-size']);
const tinyShards = Number(values['tiny-shards']);
const workerCounts = values.workers.split(',').map(Number);
if ([rows, shardSize, tinyShards, ...workerCounts].some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('bench/distributed: --rows, --shard-size, --tiny-shards and --workers take whole numbers >= 1');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'plotline-bench-distributed-'));
const children: ChildProcess[] = [];
let redisPort: number | null = null;
const cleanUp = () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (redisPort !== null) spawn('redis-cli', ['-p', String(redisPort), 'shutdown', 'nosave'], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
};

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function redisUrl(): Promise<string> {
  if (process.env.REDIS_URL !== undefined) return process.env.REDIS_URL;
  redisPort = await freePort();
  execFileSync('redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', work, '--daemonize', 'yes']);
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(redisPort), 'ping'], { stdio: 'ignore' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return `redis://127.0.0.1:${redisPort}`;
}

/** Starts `n` workers and waits until each has loaded the model and is taking jobs. */
async function startWorkers(n: number, url: string, queueName: string, model: string): Promise<ChildProcess[]> {
  const started = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--queue-name', queueName, '--model', model], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CI: 'true' } });
    children.push(child);
    return new Promise<ChildProcess>((ready, fail) => {
      child.once('exit', (code) => fail(new Error(`worker exited with ${code} before it was ready`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if ((JSON.parse(line) as { event: string }).event === 'ready') ready(child);
      });
    });
  });
  return Promise.all(started);
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map((child) => new Promise((done) => {
    child.once('exit', done);
    child.kill('SIGTERM');
  })));
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

try {
  const url = await redisUrl();
  let model = values.model === undefined ? undefined : resolve(values.model);
  if (model === undefined) {
    model = join(work, 'bag');
    say('training a bag (1 epoch) to score with ...');
    execFileSync(process.execPath, [CLI, 'train', '--data', data, '--model', 'bag', '--epochs', '1', '--out', model, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } });
  }
  const titles = parse(readFileSync(data), { columns: true, bom: true }) as { description?: string }[];
  const descriptions = titles.map((t) => (t.description ?? '').trim()).filter((d) => d !== '');
  const input = join(work, 'input.csv');
  const lines = ['id,description'];
  for (let i = 0; i < rows; i++) lines.push(`${i + 1},"${descriptions[i % descriptions.length].replaceAll('"', '""')}"`);
  writeFileSync(input, lines.join('\n') + '\n');

  // The peer: one process, model loaded beforehand (as the workers' is), run right before each queued
  // run, so that both see the same load on a shared machine; each ratio is against its own peer run.
  await useBackend('wasm');
  const { classifier } = await loadModel(model);
  const peerOutput = join(work, 'peer.jsonl');
  const runPeer = async () => {
    const result = await scoreFile({ model, input, output: peerOutput, classifier });
    say(`  predict --input (1 process): ${result.rows} rows in ${result.seconds.toFixed(2)} s`);
    return result;
  };
  const firstPeer = await runPeer();
  const peerSha = sha256(peerOutput);

  const queue = parseRedisUrl(url);
  const runs: { workers: number; shards: number; seconds: number; perSecond: number; peerSeconds: number; peerPerSecond: number; identical: boolean }[] = [];
  for (const n of workerCounts) {
    const queueName = `plotline-bench-${process.pid}-${n}`;
    const workers = await startWorkers(n, url, queueName, model);
    const peer = runs.length === 0 ? firstPeer : await runPeer();
    const output = join(work, `queued-${n}.jsonl`);
    const result = await scoreFileOnQueue({ model, input, output, queue, queueName, shardSize });
    runs.push({ workers: n, shards: result.shards, seconds: result.seconds, perSecond: result.rows / result.seconds, peerSeconds: peer.seconds, peerPerSecond: peer.rows / peer.seconds, identical: sha256(output) === peerSha });
    say(`  --queue, ${n} worker(s): ${result.rows} rows in ${result.seconds.toFixed(2)} s (${result.shards} shards)`);
    rmSync(output);
    await stopWorkers(workers);
  }
  await classifier.dispose();

  // Round trip of a shard with (almost) nothing to score: queueing, a worker taking it, files, completion.
  const tinyInput = join(work, 'tiny.csv');
  writeFileSync(tinyInput, ['id,description', ...Array.from({ length: tinyShards }, (_, i) => `${i + 1},"${descriptions[i].replaceAll('"', '""')}"`)].join('\n') + '\n');
  const tinyQueue = `plotline-bench-${process.pid}-tiny`;
  const tinyWorkers = await startWorkers(1, url, tinyQueue, model);
  const tiny = await scoreFileOnQueue({ model, input: tinyInput, output: join(work, 'tiny.jsonl'), queue, queueName: tinyQueue, shardSize: 1 });
  await stopWorkers(tinyWorkers);
  const roundTripMs = (tiny.seconds * 1000) / tiny.shards;

  const one = runs.find((r) => r.workers === 1);
  const overheadMs = one === undefined ? null : ((one.seconds - one.peerSeconds) * 1000) / one.shards;
  const identical = runs.every((r) => r.identical);
  const loadAfter = loadavg()[0];
  if (values.json) {
    console.log(JSON.stringify({ model, rows, shardSize, cores: availableParallelism(), loadAfter, runs: runs.map((r) => ({ ...r, ratio: r.perSecond / r.peerPerSecond })), overheadPerShardMs: overheadMs, oneRowShardRoundTripMs: roundTripMs, identical }));
  } else {
    console.log(`distributed batch scoring: ${rows} descriptions, shards of ${shardSize}, model ${model}, ${new Date().toISOString().slice(0, 10)}`);
    console.log(`${availableParallelism()} cores (the coordinator and every worker share them), 1-minute load average ${loadAfter.toFixed(2)} after the runs`);
    console.log('workers  descriptions/s  seconds  predict --input just before: /s  ratio');
    for (const r of runs) console.log(`${String(r.workers).padStart(7)}  ${r.perSecond.toFixed(0).padStart(14)}  ${r.seconds.toFixed(2).padStart(7)}  ${r.peerPerSecond.toFixed(0).padStart(30)}  ${(r.perSecond / r.peerPerSecond).toFixed(2).padStart(4)}x`);
    if (overheadMs !== null) console.log(`overhead per shard (1 worker vs predict --input, shards of ${shardSize}): ${overheadMs.toFixed(1)} ms`);
    console.log(`round trip of a 1-row shard (${tiny.shards} shards, 1 worker): ${roundTripMs.toFixed(1)} ms`);
    console.log(identical ? 'every queued output identical to predict --input' : 'OUTPUTS DIFFER from predict --input');
  }
  if (!identical) process.exitCode = 1;
} finally {
  cleanUp();
}
