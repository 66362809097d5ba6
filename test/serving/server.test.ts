import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../src/serving/server.js';
import { TEXTS, savedTinyModel, type SavedFixture } from './fixtures.js';

let fixture: SavedFixture;

before(async () => {
  fixture = await savedTinyModel();
});

after(async () => {
  await fixture.remove();
});

const post = (base: string, body: unknown) =>
  fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function refusesConnections(base: string): Promise<void> {
  await assert.rejects(fetch(`${base}/healthz`), (error: Error & { cause?: { code?: string } }) => {
    assert.equal(error.cause?.code, 'ECONNREFUSED', String(error.cause ?? error));
    return true;
  });
}

test('shutdown lets a request in flight finish with 200, then the server refuses connections', async () => {
  // A long batching wait holds the request in the batcher while the server is told to close.
  const server = await startServer({ modelDir: fixture.modelDir, port: 0, host: '127.0.0.1', maxWaitMs: 600, handleSignals: false });
  const base = `http://127.0.0.1:${server.port}`;
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  const batcher = server.app.plotline.model!.batcher;

  const inFlight = post(base, { text: TEXTS[0] });
  while (batcher.pending === 0) await sleep(5); // the request has reached the batcher
  const closed = server.shutdown();
  const response = await inFlight;
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { predictions: unknown[] }).predictions.length, 1);
  await closed;
  assert.equal(batcher.pending, 0);
  await refusesConnections(base);
});

test('`plotline serve` on SIGTERM finishes the request in flight and exits 0', async () => {
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--model', fixture.modelDir, '--port', '0', '--max-wait-ms', '1500'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  try {
    // Wait for the "model loaded" line, and take the address from the "Server listening" line.
    const base = await new Promise<string>((resolve, reject) => {
      let address: string | null = null;
      child.stdout.on('data', (chunk) => {
        stdout += String(chunk);
        address ??= /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? null;
        if (address !== null && stdout.includes('"model loaded"')) resolve(address);
      });
      child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${stderr}${stdout}`)));
    });
    const inFlight = post(base, { text: TEXTS[1] });
    await sleep(400); // well inside the 1.5 s batching wait
    child.kill('SIGTERM');
    const response = await inFlight;
    assert.equal(response.status, 200);
    const [code, signal] = await exited;
    assert.deepEqual([code, signal], [0, null], stderr);
    assert.match(stdout, /"signal":"SIGTERM".*shutting down/);
    await refusesConnections(base);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

test('a port that cannot be opened fails with a PlotlineError naming the address and the fix, no stack needed', async () => {
  const first = await startServer({ modelDir: fixture.modelDir, port: 0, host: '127.0.0.1', handleSignals: false });
  try {
    await assert.rejects(startServer({ modelDir: fixture.modelDir, port: first.port, host: '127.0.0.1', handleSignals: false }), (error: Error) => {
      assert.equal(error.name, 'PlotlineError');
      assert.match(error.message, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${first.port} \\(EADDRINUSE: the port is in use; choose another --port`));
      return true;
    });
  } finally {
    await first.shutdown();
  }
});

/** A raw client: connects, writes `head`, collects whatever comes back until the server closes. */
async function rawClient(port: number, head: string): Promise<{ socket: Socket; reply: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk) => (received += String(chunk)));
  const reply = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  socket.on('error', () => {});
  socket.write(head);
  return { socket, reply };
}

function errorOf(raw: string): { status: number; headers: string; body: { error: { code: string; message: string } } } {
  const [head, body] = raw.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

const SLOW_HEAD = 'POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"te';

test('a slow upload is cut off at the request time-out with 408 in the error shape, and the socket closed', async () => {
  const server = await startServer({ modelDir: fixture.modelDir, port: 0, host: '127.0.0.1', handleSignals: false, requestTimeout: 400 });
  try {
    const { socket, reply } = await rawClient(server.port, SLOW_HEAD);
    // One more byte now and then, as a slow-loris client does: it must not keep the request alive.
    const drip = setInterval(() => socket.writable && socket.write('x'), 100);
    const raw = await reply;
    clearInterval(drip);
    const { status, headers, body } = errorOf(raw);
    assert.equal(status, 408, raw);
    assert.equal(body.error.code, 'request_timeout');
    assert.match(headers, /connection: close/);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status, 200, 'the server still serves');
  } finally {
    await server.shutdown();
  }
});

test('malformed HTTP gets the error shape, not Fastify\'s', async () => {
  const server = await startServer({ modelDir: fixture.modelDir, port: 0, host: '127.0.0.1', handleSignals: false });
  try {
    const { reply } = await rawClient(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
    const { status, body } = errorOf(await reply);
    assert.equal(status, 400);
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
    assert.equal(body.error.code, 'bad_request');
    assert.doesNotMatch(JSON.stringify(body), /Client Error/);
  } finally {
    await server.shutdown();
  }
});

test('connections beyond --max-connections are closed on arrival; the others are served', async () => {
  const server = await startServer({ modelDir: fixture.modelDir, port: 0, host: '127.0.0.1', handleSignals: false, maxConnections: 2 });
  try {
    const held = [await rawClient(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n'), await rawClient(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n')];
    await sleep(50); // both accepted
    const extra = await rawClient(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(await extra.reply, '', 'the third connection is closed without an answer');
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.reply));
    await sleep(50);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status, 200, 'served again once below the cap');
  } finally {
    await server.shutdown();
  }
});

test('past the shutdown deadline, a request still open gets 503 and shutdown completes', async () => {
  const server = await startServer({ modelDir: fixture.modelDir, port: 0, host: '127.0.0.1', handleSignals: false, shutdownDeadline: 300, requestTimeout: 60_000 });
  const { socket, reply } = await rawClient(server.port, SLOW_HEAD);
  const drip = setInterval(() => socket.writable && socket.write('x'), 100);
  await sleep(100);
  await server.shutdown();
  clearInterval(drip);
  const { status, headers, body } = errorOf(await reply);
  assert.equal(status, 503);
  assert.equal(body.error.code, 'shutdown_deadline');
  assert.match(headers, /connection: close/);
  await refusesConnections(`http://127.0.0.1:${server.port}`);
});
