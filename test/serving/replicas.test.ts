/**
 * Serving past one process: two `startServer` replicas of one model on loopback behind a tiny
 * round-robin balancer (written here: it sends each request to the next replica whose last /readyz
 * check said 200, as a Kubernetes Service or an nginx upstream with health checks would). Replicas are
 * stateless: either answers any request with the same bytes. When one shuts down, /readyz says 503 at
 * once while it keeps answering for its drain delay; the balancer stops sending it requests, no request
 * fails, and then it closes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer } from '../../src/serving/server.js';
import { TEXTS, savedTinyModel, type SavedFixture } from './fixtures.js';

const HEALTH_CHECK_MS = 50;
const DRAIN_DELAY_MS = 600;
let fixture: SavedFixture;
const replicas: RunningServer[] = [];

/** Round-robin over the replicas whose last readiness check passed; counts requests per replica. */
class RoundRobin {
  readonly sent: number[];
  private readonly ready: boolean[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  server: Server | null = null;

  constructor(private readonly upstreams: string[]) {
    this.sent = upstreams.map(() => 0);
    this.ready = upstreams.map(() => false);
  }

  async start(): Promise<string> {
    await this.check();
    this.timer = setInterval(() => void this.check(), HEALTH_CHECK_MS);
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const candidates = this.upstreams.map((_, i) => (this.next + i) % this.upstreams.length).filter((i) => this.ready[i]);
      if (candidates.length === 0) {
        response.writeHead(502).end();
        return;
      }
      const i = candidates[0];
      this.next = (i + 1) % this.upstreams.length;
      this.sent[i] += 1;
      const upstream = await fetch(`${this.upstreams[i]}${request.url}`, { method: request.method, headers: { 'content-type': request.headers['content-type'] ?? 'application/json' }, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  private async check(): Promise<void> {
    await Promise.all(this.upstreams.map(async (base, i) => {
      this.ready[i] = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
    }));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.server?.close();
  }
}

before(async () => {
  fixture = await savedTinyModel();
  for (let i = 0; i < 2; i++) replicas.push(await startServer({ modelDir: fixture.modelDir, port: 0, host: '127.0.0.1', handleSignals: false, drainDelayMs: DRAIN_DELAY_MS, logger: false }));
});

after(async () => {
  await Promise.all(replicas.map((r) => r.shutdown()));
  await fixture.remove();
});

const predict = (base: string, text: string) =>
  fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, scores: true }) });

test('two replicas behind a round-robin: both serve, with the same answers; one drains on shutdown and no request fails', async () => {
  const balancer = new RoundRobin(replicas.map((r) => r.address));
  const base = await balancer.start();
  try {
    const bodies: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await predict(base, TEXTS[0]);
      assert.equal(response.status, 200);
      bodies.push(await response.text());
    }
    assert.deepEqual(balancer.sent, [5, 5], 'requests alternate between the replicas');
    assert.equal(new Set(bodies).size, 1, 'stateless: either replica gives the same bytes');

    const stopping = replicas[0].shutdown();
    const ready = await fetch(`${replicas[0].address}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { error: { code: string } }).error.code, 'draining');
    const direct = await predict(replicas[0].address, TEXTS[1]);
    assert.equal(direct.status, 200, 'a draining replica still answers during its drain delay');

    await sleep(HEALTH_CHECK_MS * 3); // the balancer's next checks see the 503
    const before = [...balancer.sent];
    for (let i = 0; i < 6; i++) assert.equal((await predict(base, TEXTS[i % TEXTS.length])).status, 200);
    assert.deepEqual(balancer.sent, [before[0], before[1] + 6], 'new requests go to the replica that is still ready');

    await stopping;
    await assert.rejects(fetch(`${replicas[0].address}/healthz`));
    assert.equal((await predict(base, TEXTS[2])).status, 200, 'the other replica serves on');
  } finally {
    await balancer.stop();
  }
});
