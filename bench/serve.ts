/**
 * `npm run bench:serve`: the HTTP API under load, and batch scoring throughput.
 *
 * Starts `plotline serve` (the built CLI, a separate process, as in production) on 127.0.0.1 and drives
 * it with autocannon from this process, every run bounded in time:
 *   - single-text POST /v1/predict at 1, 16 and 64 connections, as fast as it answers;
 *   - a fixed rate of 500 requests/s (the goal: p99 under 20 ms there);
 *   - GET /healthz latency (50 probes/s on one connection) while 4 connections send the heaviest
 *     request the default limits allow (8 texts of 200 words each, explain: true), with scoring on a
 *     scoring thread (the default) and, as the peer in the same run, on the HTTP thread
 *     (--scoring-threads 0, how the server worked before); the goal is a /healthz p99 under 50 ms.
 * Then times `plotline predict --input` on ~50,000 descriptions with 1 and 2 workers.
 *
 *   npm run bench:serve                       # trains the default model (bag) first (~1 min) if no --model
 *   npm run bench:serve -- --model models/bag --seconds 10
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { parse } from 'csv-parse/sync';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    data: { type: 'string', default: resolve('../shared/data') },
    rows: { type: 'string', default: '50000' },
  },
});
const cli = resolve('dist/cli/main.js');
const csv = join(values.data as string, 'netflix_titles.csv');
const seconds = Number(values.seconds);
if (!existsSync(cli)) throw new Error(`build first (npm run build): ${cli} is missing`);
if (!existsSync(csv)) {
  console.log(`bench:serve skipped: ${csv} not found (pass --data DIR with netflix_titles.csv and split.csv)`);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'plotline-bench-serve-'));
let model = values.model as string | undefined;
if (model === undefined) {
  model = join(work, 'model');
  process.stderr.write('training the default model (bag, seed 42) on the standard split...\n');
  execFileSync(process.execPath, [cli, 'train', '--data', csv, '--split', join(values.data as string, 'split.csv'), '--model', 'bag', '--out', model, '--quiet'], { stdio: 'inherit' });
}
const descriptions = (parse(readFileSync(csv), { columns: true, bom: true }) as { description: string }[]).map((r) => r.description);

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

async function startServe(port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, 'serve', '--model', model!, '--port', String(port), '--log-level', 'warn', ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the server did not become ready within 60 s');
}

interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(port: number, label: string, options: { connections: number; overallRate?: number }): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: options.connections,
    overallRate: options.overallRate,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ text: descriptions[next++ % descriptions.length] }) }) }],
  });
  return {
    label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** The heaviest request the default limits allow: 8 texts (--max-explain-texts) of 200 words (--max-explain-words), explained. */
const heaviest = JSON.stringify({
  texts: Array.from({ length: 8 }, (_, t) => Array.from({ length: 200 }, (_, w) => String.fromCharCode(97 + ((t + w) % 26))).join(' ')),
  explain: true,
});

interface HealthUnderLoad {
  label: string;
  probes: number;
  healthP50: number;
  healthP99: number;
  healthMax: number;
  explainPerSecond: number;
  explainP99: number;
  explainErrors: number;
}

/**
 * Probes GET /healthz one request at a time, starting one every 20 ms (or as soon as the previous one
 * answers, if it took longer), until `until`; returns each probe's latency in ms. A probe the server
 * holds up shows as one long sample, not as a missing one.
 */
async function probeHealth(port: number, until: number): Promise<number[]> {
  const latencies: number[] = [];
  while (performance.now() < until) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
    latencies.push(performance.now() - started);
    const wait = 20 - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** /healthz latency (probeHealth) while 4 connections send `heaviest` as fast as answered. */
async function healthUnderExplain(port: number, label: string): Promise<HealthUnderLoad> {
  const until = performance.now() + seconds * 1000;
  const [explain, probes] = await Promise.all([
    autocannon({ url: `http://127.0.0.1:${port}/v1/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body: heaviest, connections: 4, duration: seconds, timeout: 60 }),
    probeHealth(port, until),
  ]);
  return {
    label,
    probes: probes.length,
    healthP50: percentile(probes, 50),
    healthP99: percentile(probes, 99),
    healthMax: Math.max(...probes),
    explainPerSecond: explain.requests.average,
    explainP99: explain.latency.p99,
    explainErrors: explain.errors + explain.non2xx,
  };
}

const port = await freePort();
const server = await startServe(port);
const results: LoadResult[] = [];
const health: HealthUnderLoad[] = [];
try {
  await load(port, 'warm-up', { connections: 4 });
  for (const connections of [1, 16, 64]) results.push(await load(port, `${connections} connection${connections > 1 ? 's' : ''}, as fast as answered`, { connections }));
  results.push(await load(port, '500 requests/s fixed rate, 16 connections', { connections: 16, overallRate: 500 }));
  health.push(await healthUnderExplain(port, 'scoring thread (default, --scoring-threads 1)'));
} finally {
  server.kill('SIGTERM');
}
// The peer, same run: scoring on the HTTP thread, as before scoring threads.
const peerPort = await freePort();
const peer = await startServe(peerPort, ['--scoring-threads', '0']);
try {
  await load(peerPort, 'warm-up', { connections: 4 });
  results.push(await load(peerPort, 'peer: 64 connections, scoring on the HTTP thread (--scoring-threads 0)', { connections: 64 }));
  results.push(await load(peerPort, 'peer: 500 requests/s fixed rate, 16 connections, --scoring-threads 0', { connections: 16, overallRate: 500 }));
  health.push(await healthUnderExplain(peerPort, 'HTTP thread (--scoring-threads 0, the peer)'));
} finally {
  peer.kill('SIGTERM');
}

console.log(`\nHTTP: single-text POST /v1/predict, ${seconds} s per run, model ${model}`);
console.log('| load | requests/s | p50 ms | p99 ms | errors |');
console.log('|---|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.label} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.errors} |`);

console.log(`\nGET /healthz (one probe at a time, every 20 ms) while 4 connections send the heaviest allowed request (8 texts x 200 words, explain), ${seconds} s each`);
console.log('| scoring on | probes | /healthz p50 ms | /healthz p99 ms | /healthz max ms | explain requests/s | explain p99 ms | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const h of health) {
  console.log(`| ${h.label} | ${h.probes} | ${h.healthP50.toFixed(1)} | ${h.healthP99.toFixed(1)} | ${h.healthMax.toFixed(1)} | ${h.explainPerSecond.toFixed(1)} | ${h.explainP99} | ${h.explainErrors} |`);
}
if (health.length === 2) console.log(`/healthz p99, HTTP thread / scoring thread: ${(health[1].healthP99 / health[0].healthP99).toFixed(1)}x (goal: under 50 ms with the default)`);
const threaded = results.find((r) => r.label.startsWith('64 connections'));
const inProcess = results.find((r) => r.label.startsWith('peer: 64'));
if (threaded && inProcess) console.log(`plain predict at 64 connections, scoring thread / HTTP thread: ${(threaded.requestsPerSecond / inProcess.requestsPerSecond).toFixed(2)}x requests/s`);

// Batch scoring: the catalogue repeated to ~`rows` rows, through the CLI as a user runs it.
const rows = Number(values.rows);
const input = join(work, 'catalogue.jsonl');
const lines: string[] = [];
for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ id: i, description: descriptions[i % descriptions.length] }));
writeFileSync(input, lines.join('\n') + '\n');
console.log(`\nBatch scoring: plotline predict --input (${rows.toLocaleString('en')} descriptions, JSON Lines in and out)`);
console.log('| workers | seconds | descriptions/s |');
console.log('|---:|---:|---:|');
for (const workers of [1, 2]) {
  const started = performance.now();
  execFileSync(process.execPath, [cli, 'predict', '--model', model, '--input', input, '--output', join(work, `out-${workers}.jsonl`), '--workers', String(workers), '--quiet']);
  const elapsed = (performance.now() - started) / 1000;
  console.log(`| ${workers} | ${elapsed.toFixed(1)} | ${Math.round(rows / elapsed).toLocaleString('en')} |`);
}
rmSync(work, { recursive: true, force: true });
