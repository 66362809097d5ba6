import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type AppOptions } from '../../src/serving/app.js';
import { DEFAULT_WEB_ROOT } from '../../src/serving/static-files.js';
import { explain, splitWords } from '../../src/explain/occlusion.js';
import { loadModel } from '../../src/models/storage.js';
import type { GenreClassifier } from '../../src/models/classifier.js';
import { GENRES, SAVED_THRESHOLDS, TEXTS, savedFieldsModel, savedTinyModel, type SavedFixture } from './fixtures.js';

let fixture: SavedFixture;
let app: FastifyInstance;
let classifier: GenreClassifier;
let webRoot: string;
const logLines: string[] = [];

/** A pino destination that keeps every line, to check what the server logs. */
const captureLogs = (lines: string[]) =>
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
      done();
    },
  });

const LIMITS = { maxTexts: 4, maxTextLength: 80, bodyLimit: 4096, maxWaitMs: 1, scoringThreads: 0 };

async function makeApp(options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const built = await buildApp({ modelDir: fixture.modelDir, webRoot, ...LIMITS, ...options });
  await built.plotline.ready;
  return built;
}

before(async () => {
  fixture = await savedTinyModel();
  webRoot = join(fixture.root, 'web');
  await mkdir(webRoot);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Plotline</title>');
  await writeFile(join(webRoot, 'app.js'), 'console.log(1);');
  await writeFile(join(webRoot, 'style.css'), 'body{}');
  await writeFile(join(webRoot, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = await makeApp({ logger: { level: 'info', stream: captureLogs(logLines) } });
  classifier = app.plotline.model!.classifier as GenreClassifier;
});

after(async () => {
  await app.close();
  await fixture.remove();
});

const predict = (payload: unknown, extra: Partial<InjectOptions> = {}) =>
  app.inject({ method: 'POST', url: '/v1/predict', payload: payload as InjectOptions['payload'], ...extra });

/** Asserts a JSON error response: status, code, and a message matching `message`. */
function assertError(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string, message: RegExp): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.match(body.error.message, message);
  assert.doesNotMatch(response.body, /\bat .+\.(ts|js):\d+/, 'no stack trace');
}

const rowOf = (scores: Float32Array, i: number) => Array.from(scores.subarray(i * GENRES.length, (i + 1) * GENRES.length));

test('POST /v1/predict with one text: model id and kind, genres above threshold best first', async () => {
  const response = await predict({ text: TEXTS[0] });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.deepEqual(Object.keys(body), ['model', 'predictions']);
  assert.match(body.model.id, /^bag-[0-9a-f]{12}$/);
  assert.equal(body.model.kind, 'bag');
  assert.equal(body.predictions.length, 1);
  const [expected] = await classifier.predict([TEXTS[0]]);
  const [p] = body.predictions;
  assert.deepEqual(Object.keys(p), ['genres']);
  assert.deepEqual(
    p.genres.map((g: { genre: string }) => g.genre),
    expected.genres,
  );
  for (const g of p.genres) assert.equal(g.score, expected.scores[g.genre]);
  assert.ok(p.genres.length >= 1);
  assert.ok(p.genres.map((g: { genre: string }) => g.genre).includes('Comedies'), 'saved per-genre threshold 0.01 applies');
  assert.ok(!p.genres.map((g: { genre: string }) => g.genre).includes('Thrillers'), 'saved per-genre threshold 0.99 applies');
});

test('POST /v1/predict with texts: one prediction per text in order, with top_k and every score', async () => {
  const response = await predict({ texts: TEXTS.slice(0, 4), top_k: 2, scores: true });
  assert.equal(response.statusCode, 200);
  const { predictions } = response.json();
  assert.equal(predictions.length, 4);
  const scores = await classifier.score(TEXTS.slice(0, 4));
  predictions.forEach((p: { top: { genre: string; score: number }[]; scores: Record<string, number> }, i: number) => {
    const row = rowOf(scores, i);
    assert.deepEqual(p.scores, Object.fromEntries(GENRES.map((g, j) => [g, row[j]])));
    const ranked = GENRES.map((g, j) => ({ genre: g, score: row[j] })).sort((a, b) => b.score - a.score);
    assert.deepEqual(p.top, ranked.slice(0, 2));
  });
});

test('concurrent requests are micro-batched and score exactly as each text scored alone', async () => {
  const batched = await makeApp({ maxWaitMs: 50, maxBatch: 64, maxTextLength: 2000 });
  try {
    const texts = Array.from({ length: 20 }, (_, i) => `${TEXTS[i % TEXTS.length]} ${'and more '.repeat(i % 4)}`.trim());
    const batcher = batched.plotline.model!.batcher;
    const before = batcher.forwardPasses;
    const responses = await Promise.all(
      texts.map((text) => batched.inject({ method: 'POST', url: '/v1/predict', payload: { text, scores: true } })),
    );
    const passes = batcher.forwardPasses - before;
    assert.ok(passes < texts.length, `${passes} forward passes for ${texts.length} requests`);
    assert.ok(passes >= 1);
    for (const [i, r] of responses.entries()) {
      assert.equal(r.statusCode, 200);
      const alone = rowOf(await classifier.score([texts[i]]), 0);
      assert.deepEqual(r.json().predictions[0].scores, Object.fromEntries(GENRES.map((g, j) => [g, alone[j]])), `text ${i}`);
    }
  } finally {
    await batched.close();
  }
});

test('threshold: a number applies to every genre', async () => {
  const all = (await predict({ text: TEXTS[1], threshold: 0 })).json().predictions[0].genres;
  assert.deepEqual(all.map((g: { genre: string }) => g.genre).sort(), [...GENRES].sort());
  const best = (await predict({ text: TEXTS[1], threshold: 1, top_k: 1 })).json().predictions[0];
  assert.equal(best.genres.length, 1, 'nothing passes 1: the best genre stands in');
  assert.deepEqual(best.genres, best.top);
});

test('threshold: a map overrides only the named genres; the others keep the saved per-genre thresholds', async () => {
  for (const text of TEXTS) {
    const on = (await predict({ text, threshold: { Dramas: 0 } })).json().predictions[0].genres.map((g: { genre: string }) => g.genre);
    // Dramas forced on; Comedies (saved 0.01) stays on; Thrillers (saved 0.99) stays off.
    assert.deepEqual([...on].sort(), ['Comedies', 'Dramas'], text);
    const off = (await predict({ text, threshold: { Comedies: 1, Thrillers: 0 } })).json().predictions[0].genres.map((g: { genre: string }) => g.genre);
    const row = rowOf(await classifier.score([text]), 0);
    const expected = ['Thrillers', ...(row[1] >= SAVED_THRESHOLDS.perGenre![1] ? ['Dramas'] : [])];
    assert.deepEqual([...off].sort(), expected.sort(), text);
  }
  const empty = await predict({ text: TEXTS[0], threshold: {} });
  assert.deepEqual(empty.json(), (await predict({ text: TEXTS[0] })).json(), 'an empty map changes nothing');
});

test('explain: one weight per word, with offsets that slice the original text', async () => {
  const text = '  A killer   robot, hunts friends in Paris!  ';
  const response = await predict({ text, explain: true, top_k: 1 });
  assert.equal(response.statusCode, 200);
  const p = response.json().predictions[0];
  const { explanation } = p;
  assert.equal(explanation.genre, p.top[0].genre, 'the best genre is explained');
  assert.equal(explanation.score, p.top[0].score);
  const words = splitWords(text);
  assert.equal(explanation.words.length, words.length);
  for (const [i, w] of explanation.words.entries()) {
    assert.equal(w.word, words[i].word);
    assert.equal(text.slice(w.start, w.end), w.word);
    assert.ok(Number.isFinite(w.weight));
  }
  assert.deepEqual(explanation, (await explain(classifier, text))[0]);

  const named = (await predict({ texts: [TEXTS[0], TEXTS[2]], explain: 'Thrillers' })).json().predictions;
  assert.deepEqual(
    named.map((q: { explanation: { genre: string; words: unknown[] } }) => [q.explanation.genre, q.explanation.words.length]),
    [
      ['Thrillers', splitWords(TEXTS[0]).length],
      ['Thrillers', splitWords(TEXTS[2]).length],
    ],
  );
  assert.equal((await predict({ text, explain: false })).json().predictions[0].explanation, undefined);
});

test('bad request bodies: 400 with a message naming the field, index or limit', async () => {
  const json = { 'content-type': 'application/json' };
  assertError(await predict('{"text": "unterminated', { headers: json }), 400, 'invalid_json', /not valid JSON/);
  assertError(await predict('', { headers: json }), 400, 'invalid_json', /empty/);
  // Valid JSON with a prototype-poisoning key: refused by the same parser error, which the message names.
  assertError(await predict('{"text": "a", "fields": {"__proto__": {"x": 1}}}', { headers: json }), 400, 'invalid_json', /"__proto__"/);
  assertError(await predict('just words', { headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type', /application\/json/);
  assertError(await predict('{"text": "a"}', { headers: { 'content-type': 'text/plain; charset=utf-8' } }), 415, 'unsupported_media_type', /application\/json/);
  assertError(await predict('text=hi', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type', /application\/json/);
  assertError(await predict([TEXTS[0]]), 400, 'invalid_body', /JSON object/);
  assertError(await predict({}), 400, 'invalid_body', /missing "text".*or "texts"/);
  assertError(await predict({ text: 5 }), 400, 'invalid_body', /"text" must be a string/);
  assertError(await predict({ texts: 'one text' }), 400, 'invalid_body', /"texts" must be an array of strings/);
  assertError(await predict({ texts: ['fine', 7] }), 400, 'invalid_body', /"texts\[1\]" must be a string/);
  assertError(await predict({ text: 'a', texts: ['b'] }), 400, 'invalid_body', /either "text" or "texts", not both/);
  assertError(await predict({ texts: [] }), 400, 'invalid_body', /"texts" is empty/);
  assertError(await predict({ text: '   ' }), 400, 'empty_text', /"text" is empty; expected a description with at least one word/);
  assertError(await predict({ texts: ['fine', 'also fine', ' \n\t '] }), 400, 'empty_text', /"texts\[2\]" is empty/);
  // A text without words is refused like an empty one (the one rule of src/text/tokenizer.ts).
  assertError(await predict({ text: '🎬🍿🔪' }), 400, 'empty_text', /"text" has no words .*at least one word/);
  assertError(await predict({ texts: ['fine', '... !? —'] }), 400, 'empty_text', /"texts\[1\]" has no words/);
  assertError(await predict({ texts: ['fine', 'x'.repeat(81)] }), 413, 'text_too_long', /"texts\[1\]" is 81 characters long; the limit is 80/);
  assertError(await predict({ texts: ['a', 'b', 'c', 'd', 'e'] }), 400, 'too_many_texts', /5 texts; at most 4 per request/);
  assertError(await predict({ text: 'a', topk: 2 }), 400, 'invalid_body', /unknown field "topk"/);
  assertError(await predict({ text: 'a', top_k: 0 }), 400, 'invalid_body', /"top_k" must be a whole number >= 1/);
  assertError(await predict({ text: 'a', top_k: 1.5 }), 400, 'invalid_body', /"top_k" must be a whole number/);
  assertError(await predict({ text: 'a', top_k: 4 }), 400, 'invalid_body', /"top_k" must be from 1 to 3/);
  assertError(await predict({ text: 'a', threshold: 1.5 }), 400, 'invalid_body', /"threshold" must be a number from 0 to 1/);
  assertError(await predict({ text: 'a', threshold: '0.5' }), 400, 'invalid_body', /"threshold" must be a number/);
  assertError(await predict({ text: 'a', threshold: { Dramas: -1 } }), 400, 'invalid_body', /"threshold" for "Dramas" must be a number from 0 to 1/);
  assertError(await predict({ text: 'a', threshold: { Dramas: 0.5, Musicals: 0.2 } }), 400, 'unknown_genre', /"threshold" names an unknown genre "Musicals"/);
  assertError(await predict({ text: 'a', scores: 'yes' }), 400, 'invalid_body', /"scores" must be true or false/);
  assertError(await predict({ text: 'a', explain: 1 }), 400, 'invalid_body', /"explain" must be true, false or a genre name/);
  assertError(await predict({ text: 'a', explain: 'Musicals' }), 400, 'unknown_genre', /"explain" names an unknown genre "Musicals"/);
});

test('a body over the limit is 413 naming the limit', async () => {
  assertError(await predict({ text: 'x'.repeat(5000) }), 413, 'body_too_large', /4096-byte limit/);
});

test('unknown routes are 404 and wrong methods 405, both as JSON errors', async () => {
  const nope = await app.inject({ method: 'GET', url: '/nope-<script>' });
  assertError(nope, 404, 'not_found', /no such route; GET \/openapi\.json lists the API/);
  assert.doesNotMatch(nope.body, /nope|script/, 'the URL is not echoed');
  assertError(await app.inject({ method: 'POST', url: '/v2/predict', payload: {} }), 404, 'not_found', /no such route/);
  const wrong = await app.inject({ method: 'GET', url: '/v1/predict' });
  assertError(wrong, 405, 'method_not_allowed', /GET is not allowed on this path; use POST/);
  assert.equal(wrong.headers.allow, 'POST');
  assertError(await app.inject({ method: 'DELETE', url: '/v1/model' }), 405, 'method_not_allowed', /use GET/);
});

test('an error in the forward pass is a 500 with a generic message for every waiting request, logged in full', async () => {
  const logs: string[] = [];
  const failing = await makeApp({ maxWaitMs: 20, logger: { level: 'info', stream: captureLogs(logs) } });
  try {
    failing.plotline.model!.classifier.score = () => {
      throw new Error('wasm kernel exploded at internal-detail.ts:12');
    };
    const responses = await Promise.all(TEXTS.slice(0, 3).map((text) => failing.inject({ method: 'POST', url: '/v1/predict', payload: { text } })));
    for (const r of responses) {
      assertError(r, 500, 'internal_error', /^internal server error/);
      assert.doesNotMatch(r.body, /exploded|internal-detail/);
    }
    assert.equal(failing.plotline.model!.batcher.forwardPasses, 1, 'the three requests shared one failing forward pass');
    assert.ok(logs.some((l) => l.includes('wasm kernel exploded') && JSON.parse(l).level === 50), 'the error is logged');
  } finally {
    await failing.close();
  }
});

test('GET /v1/model describes the loaded model; its id hashes manifest.json', async () => {
  const response = await app.inject('/v1/model');
  assert.equal(response.statusCode, 200);
  const body = response.json();
  const manifestBytes = await readFile(join(fixture.modelDir, 'manifest.json'));
  const { manifest } = await loadModel(fixture.modelDir);
  assert.deepEqual(body, {
    id: `bag-${createHash('sha256').update(manifestBytes).digest('hex').slice(0, 12)}`,
    kind: 'bag',
    genres: [...GENRES],
    thresholds: SAVED_THRESHOLDS,
    metrics: { validation: { microF1: 0.5 }, test: null },
    trainedAt: '2024-01-02T03:04:05.000Z',
    trainSeconds: 1.25,
    dataSha256: 'cd'.repeat(32),
    versions: manifest.versions,
    // A model saved without a catalogue section reads no fields and has no rules.
    fields: [],
    rules: null,
    columns: null,
  });
  assert.equal((await predict({ text: 'a' })).json().model.id, body.id);
});

test('healthz is always 200; readyz and the model routes are 503 until the model is loaded', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const loading = await buildApp({ modelDir: fixture.modelDir, webRoot, loader: async (dir) => (await gate, loadModel(dir)) });
  try {
    assert.deepEqual((await loading.inject('/healthz')).json(), { status: 'ok' });
    assertError(await loading.inject('/readyz'), 503, 'not_ready', /still loading/);
    assertError(await loading.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'a' } }), 503, 'not_ready', /still loading/);
    assertError(await loading.inject('/v1/model'), 503, 'not_ready', /still loading/);
    release();
    await loading.plotline.ready;
    const ready = await loading.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
    assert.equal((await loading.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'a' } })).statusCode, 200);
  } finally {
    await loading.close();
  }
});

test('a model that fails to load keeps readyz at 503 and says so', async () => {
  const broken = await buildApp({ modelDir: join(fixture.root, 'no-such-model') });
  try {
    await assert.rejects(broken.plotline.ready, /no-such-model: no such model folder/);
    assertError(await broken.inject('/readyz'), 503, 'model_unavailable', /failed to load/);
    assertError(await broken.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'a' } }), 503, 'model_unavailable', /failed to load/);
    assert.equal((await broken.inject('/healthz')).statusCode, 200);
  } finally {
    await broken.close();
  }
});

test('GET /openapi.json is an OpenAPI 3 document of the API routes', async () => {
  const response = await app.inject('/openapi.json');
  assert.equal(response.statusCode, 200);
  const doc = response.json();
  assert.match(doc.openapi, /^3\./);
  assert.deepEqual(Object.keys(doc.paths).sort(), ['/healthz', '/readyz', '/v1/model', '/v1/predict']);
  const post = doc.paths['/v1/predict'].post;
  const body = post.requestBody.content['application/json'].schema;
  assert.deepEqual(Object.keys(body.properties).sort(), ['explain', 'fields', 'scores', 'text', 'texts', 'threshold', 'top_k']);
  assert.ok(post.responses['200'] && post.responses['4XX'], 'success and error responses are documented');
  assert.deepEqual(Object.keys(post.responses['4XX'].content['application/json'].schema.properties), ['error']);
});

test('GET / and /static/* serve the web folder with content types; traversal and missing files are refused', async () => {
  const index = await app.inject('/');
  assert.equal(index.statusCode, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(index.body, '<!doctype html><title>Plotline</title>');
  const types: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8', 'logo.svg': 'image/svg+xml' };
  for (const [file, type] of Object.entries(types)) {
    const r = await app.inject(`/static/${file}`);
    assert.equal(r.statusCode, 200, file);
    assert.equal(r.headers['content-type'], type);
  }
  assertError(await app.inject('/static/..%2f..%2fpackage.json'), 400, 'invalid_path', /outside the web folder/);
  assertError(await app.inject('/static/..%2fmodel%2fmanifest.json'), 400, 'invalid_path', /outside the web folder/);
  // Encoded dot segments are resolved by URL parsing before routing: no route, so still nothing served.
  const dots = await app.inject('/static/%2e%2e/model/manifest.json');
  assert.ok(dots.statusCode === 400 || dots.statusCode === 404, String(dots.statusCode));
  assert.doesNotMatch(dots.body, /plotline-model/);
  const missing = await app.inject('/static/missing-file.js');
  assertError(missing, 404, 'not_found', /no such web file/);
  assert.doesNotMatch(missing.body, /missing-file/, 'the URL is not echoed');

  const bare = await buildApp({ modelDir: fixture.modelDir, webRoot: join(fixture.root, 'no-web') });
  try {
    assertError(await bare.inject('/'), 404, 'not_found', /web\/index\.html is missing/);
  } finally {
    await bare.plotline.ready;
    await bare.close();
  }
  assert.ok(DEFAULT_WEB_ROOT.endsWith(join('main', 'web') + '/') || DEFAULT_WEB_ROOT.endsWith('/web/'), DEFAULT_WEB_ROOT);
});

test('one log line per request with method, url, status, time and text count; never a description', async () => {
  const secret = 'a quokka smuggles zeppelins past the xylophone customs office';
  logLines.length = 0;
  await predict({ text: secret, explain: true });
  await predict({ texts: [secret, 'another quokka story', '  '] });
  await predict({ texts: [secret, 'x'.repeat(200)] });
  await predict(`{"text": "${secret}`, { headers: { 'content-type': 'application/json' } });
  await app.inject('/healthz');
  const requests = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
  assert.equal(requests.length, 5, logLines.join('\n'));
  assert.deepEqual(
    requests.map((r) => [r.method, r.url, r.statusCode, r.texts]),
    [
      ['POST', '/v1/predict', 200, 1],
      ['POST', '/v1/predict', 400, 3],
      ['POST', '/v1/predict', 413, 2],
      ['POST', '/v1/predict', 400, 0],
      ['GET', '/healthz', 200, 0],
    ],
  );
  for (const r of requests) assert.equal(typeof r.responseTimeMs, 'number');
  for (const line of logLines) assert.ok(!/quokka|zeppelin|xxxxxxxx/.test(line), `a log line holds description text: ${line}`);
});

test('explanations are bounded: texts explained per request and words per explained text, each a 4xx naming its limit', async () => {
  const limited = await makeApp({ maxExplainTexts: 2, maxExplainWords: 6 });
  try {
    const three = await limited.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['a b', 'c d', 'e f'], explain: true } });
    assertError(three, 400, 'too_many_explained_texts', /each of 3 texts; at most 2 texts per request can be explained \(limit maxExplainTexts\)/);
    const long = await limited.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['a b', 'w '.repeat(7)], explain: true } });
    assertError(long, 413, 'explain_text_too_long', /"texts\[1\]" has 7 words; "explain" covers at most 6 words per text \(limit maxExplainWords\)/);
    const single = await limited.inject({ method: 'POST', url: '/v1/predict', payload: { text: 'w '.repeat(7), explain: 'Dramas' } });
    assertError(single, 413, 'explain_text_too_long', /"text" has 7 words/);
    // Within the limits, and the same texts without explain (no limit on words): 200.
    assert.equal((await limited.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['a b', 'w '.repeat(6)], explain: true } })).statusCode, 200);
    assert.equal((await limited.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['a b', 'c d', 'w '.repeat(30)] } })).statusCode, 200);
  } finally {
    await limited.close();
  }
});

test('every response carries the security headers (CSP, frame, referrer, nosniff), errors included', async () => {
  for (const response of [await app.inject('/'), await app.inject('/healthz'), await predict({ nope: 1 }), await app.inject('/nope')]) {
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  }
});

test('a URL with broken percent-encoding is a 400 in the error shape, without the URL', async () => {
  const response = await app.inject('/static/%E0%A4%A-secret');
  assertError(response, 400, 'invalid_url', /URL path is not valid/);
  assert.doesNotMatch(response.body, /secret|%E0/);
});

test('with scoring threads, predictions and explanations equal the in-process ones', async () => {
  const threaded = await makeApp({ scoringThreads: 1 });
  try {
    assert.equal(threaded.plotline.model!.classifier.constructor.name, 'ThreadedModel');
    const payload = { texts: TEXTS.slice(0, 3), explain: true, scores: true, top_k: 2 };
    const [there, here] = await Promise.all([
      threaded.inject({ method: 'POST', url: '/v1/predict', payload }),
      predict(payload),
    ]);
    assert.equal(there.statusCode, 200, there.body);
    assert.deepEqual(JSON.parse(there.body).predictions, JSON.parse(here.body).predictions);
  } finally {
    await threaded.close();
  }
});

test('a saved bag (with and without catalogue fields) answers byte for byte as when opened on a started tfjs backend, on scoring threads and in process', async () => {
  // serve opens a saved bag without tfjs (openModel's startBackend 'if-needed'); the `loader` path
  // starts the backend first, as serve did for every model before. Same requests, same bytes.
  const fields = await savedFieldsModel();
  try {
    for (const [modelDir, titleFields] of [[fixture.modelDir, undefined], [fields.modelDir, { type: 'Movie', country: 'India' }]] as const) {
      const apps = [
        await makeApp({ modelDir, loader: (dir, options) => loadModel(dir, options) }),
        await makeApp({ modelDir, scoringThreads: 1 }),
        await makeApp({ modelDir }),
      ];
      try {
        const payloads = [
          { text: TEXTS[0] },
          { texts: TEXTS.slice(0, 3), scores: true, top_k: 2, ...(titleFields ? { fields: titleFields } : {}) },
          { texts: TEXTS.slice(1, 3), explain: true, threshold: 0.3, ...(titleFields ? { fields: [titleFields, { type: 'TV Show', country: 'France' }] } : {}) },
        ];
        const answers = await Promise.all(apps.map(async (a) => [
          ...(await Promise.all(payloads.map((payload) => a.inject({ method: 'POST', url: '/v1/predict', payload })))),
          await a.inject({ method: 'GET', url: '/v1/model' }),
        ]));
        for (const response of answers[0]) assert.equal(response.statusCode, 200, response.body);
        assert.ok(JSON.parse(answers[0][2].body).predictions[0].explanation, 'explained');
        for (const other of answers.slice(1)) assert.deepEqual(other.map((r) => r.body), answers[0].map((r) => r.body));
      } finally {
        for (const a of apps) await a.close();
      }
    }
  } finally {
    await fields.remove();
  }
});

test('a model that fails to load on the scoring threads keeps readyz at 503 and names the file in the log', async () => {
  const logs: string[] = [];
  const broken = await buildApp({ modelDir: fixture.root, webRoot, scoringThreads: 1, logger: { level: 'info', stream: captureLogs(logs) } });
  await broken.plotline.ready.catch(() => {});
  try {
    assertError(await broken.inject('/readyz'), 503, 'model_unavailable', /failed to load/);
    assert.match(logs.join('\n'), /manifest\.json/);
  } finally {
    await broken.close();
  }
});

test('when the scoring queue is full, requests get 503 overloaded instead of waiting without bound', async () => {
  const busy = await makeApp({ scoringThreads: 1, maxQueue: 1 });
  try {
    const texts = TEXTS.slice(0, 4);
    const responses = await Promise.all(Array.from({ length: 4 }, () => busy.inject({ method: 'POST', url: '/v1/predict', payload: { texts, explain: true } })));
    const statuses = responses.map((r) => r.statusCode);
    assert.ok(statuses.includes(503), statuses.join(', '));
    const refused = responses.find((r) => r.statusCode === 503)!;
    assertError(refused, 503, 'overloaded', /too much scoring work queued/);
    // Once the queue drains (tasks of refused requests may still be running), the same request is answered.
    let status = 503;
    for (let attempt = 0; attempt < 200 && status === 503; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20));
      status = (await busy.inject({ method: 'POST', url: '/v1/predict', payload: { texts: texts.slice(0, 1), explain: true } })).statusCode;
    }
    assert.equal(status, 200);
  } finally {
    await busy.close();
  }
});
