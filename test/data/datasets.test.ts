import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DATASETS, NETFLIX, datasetCachePath, looksLikePath, resolveDataset, type NamedDataset } from '../../src/data/datasets.js';
import { sha256File } from '../../src/util/file-hash.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('datasets');
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

// A small catalogue standing in for a real download (CRLF, no final newline, as the Kaggle file).
const CONTENT = 'show_id,type,description,listed_in\r\n1,Movie,"A detective hunts a killer.","Thrillers, Dramas"\r\n2,TV Show,"Two chefs, one kitchen.",Reality TV';
const TAMPERED = CONTENT.replace('killer', 'kitten');
const LONGER = CONTENT + '\r\n3,Movie,"One more row.",Comedies';

// The stub server: /good serves CONTENT, /tampered the same length with other bytes, /longer more
// bytes than pinned, /broken answers 500, /hang never answers; every request is counted by path.
const requests: string[] = [];
let server: http.Server;
let base = '';
let closedPortUrl = '';

before(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = { '/good': CONTENT, '/tampered': TAMPERED, '/longer': LONGER }[req.url ?? ''];
    if (req.url === '/hang') return; // never answers: the timeout must end it
    if (body === undefined) {
      res.writeHead(req.url === '/broken' ? 500 : 404).end('no');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nobody listens on: bind one, note it, close it.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/good`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

after(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

let caseNumber = 0;
/** A fresh cache folder and a one-entry registry whose URLs are the given stub paths (or full URLs). */
function setUp(paths: string[], extra: Partial<NamedDataset> = {}) {
  caseNumber += 1;
  const cacheDir = path.join(fixture.dir, `cache-${caseNumber}`);
  const entry: NamedDataset = {
    name: 'tiny',
    description: 'two made-up titles',
    file: 'tiny.csv',
    sha256: sha256(CONTENT),
    bytes: Buffer.byteLength(CONTENT),
    urls: paths.map((p) => (p.startsWith('http') ? p : `${base}${p}`)),
    split: fixture('tiny-split.csv', 'show_id,fold\n1,train\n2,test\n'),
    ...extra,
  };
  requests.length = 0;
  return { cacheDir, entry, registry: [entry], target: datasetCachePath(entry, cacheDir) };
}

/** Every file and folder under `dir` (relative), or [] when it does not exist. */
function listAll(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

test('a name not cached, with allowDownload: downloaded, verified, and then a cache hit with no request', async () => {
  const { cacheDir, entry, registry, target } = setUp(['/good']);
  const first = await resolveDataset('tiny', { allowDownload: true, cacheDir, registry });
  assert.equal(first.file, target);
  assert.equal(first.file, path.join(cacheDir, 'datasets', 'tiny', 'tiny.csv'));
  assert.equal(first.downloaded, true);
  assert.equal(first.split, entry.split);
  assert.equal(fs.readFileSync(target, 'utf8'), CONTENT);
  assert.deepEqual(requests, ['/good']);
  assert.deepEqual(listAll(path.dirname(target)), ['tiny.csv'], 'no temporary file is left beside it');

  // Cached now: no request, with or without --allow-download.
  const again = await resolveDataset('tiny', { cacheDir, registry });
  assert.equal(again.file, target);
  assert.equal(again.downloaded, false);
  assert.deepEqual(requests, ['/good']);
});

test('a cache hit makes no request even when downloads are allowed', async () => {
  const { cacheDir, registry, target } = setUp(['/good']);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, CONTENT);
  const resolved = await resolveDataset('tiny', { allowDownload: true, cacheDir, registry });
  assert.equal(resolved.file, target);
  assert.equal(resolved.downloaded, false);
  assert.deepEqual(requests, []);
});

test('without allowDownload a missing dataset is a clear error and nothing is requested', async () => {
  const { cacheDir, registry } = setUp(['/good']);
  const error = await rejectsWith(resolveDataset('tiny', { cacheDir, registry }));
  assert.match(error.message, /--data/);
  assert.match(error.message, /"tiny" is not in the cache/);
  assert.match(error.message, /--allow-download/);
  assert.match(error.message, /path of a local copy/);
  assert.deepEqual(requests, []);
  assert.deepEqual(listAll(cacheDir), []);
});

test('a checksum mismatch is refused, naming expected and got, and leaves nothing in the cache', async () => {
  const { cacheDir, entry, registry } = setUp(['/tampered']);
  const error = await rejectsWith(resolveDataset('tiny', { allowDownload: true, cacheDir, registry }));
  assert.match(error.message, /sha256 mismatch/);
  assert.ok(error.message.includes(`expected ${entry.sha256}`), error.message);
  assert.ok(error.message.includes(`got ${sha256(TAMPERED)}`), error.message);
  assert.ok(error.message.includes(`${base}/tampered`), 'names the URL');
  assert.deepEqual(requests, ['/tampered']);
  assert.deepEqual(listAll(cacheDir), [], 'no file, no temporary, no empty folder');
});

test('a response longer than the pinned size is cut off and refused', async () => {
  const { cacheDir, registry } = setUp(['/longer']);
  const error = await rejectsWith(resolveDataset('tiny', { allowDownload: true, cacheDir, registry }));
  assert.match(error.message, /longer than the expected \d+ bytes/);
  assert.deepEqual(listAll(cacheDir), []);
});

test('mirrors are tried in order: a refused connection, an HTTP 500 and a tampered copy, then a good one', async () => {
  const { cacheDir, registry, target } = setUp([closedPortUrl, '/broken', '/tampered', '/good']);
  const resolved = await resolveDataset('tiny', { allowDownload: true, cacheDir, registry });
  assert.equal(resolved.downloaded, true);
  assert.deepEqual(requests, ['/broken', '/tampered', '/good']);
  assert.equal(await sha256File(target), sha256(CONTENT));
  assert.deepEqual(listAll(path.dirname(target)), ['tiny.csv']);
});

test('first URL failing and second succeeding', async () => {
  const { cacheDir, registry, target } = setUp(['/broken', '/good']);
  await resolveDataset('tiny', { allowDownload: true, cacheDir, registry });
  assert.deepEqual(requests, ['/broken', '/good']);
  assert.equal(fs.readFileSync(target, 'utf8'), CONTENT);
});

test('a URL that never answers times out and the next one is tried', async () => {
  const { cacheDir, registry, target } = setUp(['/hang', '/good']);
  const resolved = await resolveDataset('tiny', { allowDownload: true, cacheDir, registry, timeoutMs: 300 });
  assert.equal(resolved.downloaded, true);
  assert.deepEqual(requests, ['/hang', '/good']);
  assert.equal(fs.readFileSync(target, 'utf8'), CONTENT);
  const { cacheDir: other, registry: hanging } = setUp(['/hang']);
  const error = await rejectsWith(resolveDataset('tiny', { allowDownload: true, cacheDir: other, registry: hanging, timeoutMs: 300 }));
  assert.ok(error.message.includes(`${base}/hang: timed out after 0.3 s`), error.message);
  assert.deepEqual(listAll(other), []);
});

test('when every URL fails, the error lists each one with its reason', async () => {
  const { cacheDir, registry } = setUp([closedPortUrl, '/broken', '/missing']);
  const error = await rejectsWith(resolveDataset('tiny', { allowDownload: true, cacheDir, registry }));
  assert.match(error.message, /every URL \(3\)/);
  assert.match(error.message, /check it has sha256 [0-9a-f]{64} \(\d+ bytes\) and pass its path with --data/);
  assert.ok(error.message.includes(`${closedPortUrl}: fetch failed`), error.message);
  assert.ok(error.message.includes(`${base}/broken: HTTP 500`), error.message);
  assert.ok(error.message.includes(`${base}/missing: HTTP 404`), error.message);
  assert.deepEqual(listAll(cacheDir), []);
});

test('a damaged cached copy is re-verified: an error without allowDownload, replaced with it', async () => {
  const { cacheDir, entry, registry, target } = setUp(['/good']);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, TAMPERED);
  const error = await rejectsWith(resolveDataset('tiny', { cacheDir, registry }));
  assert.match(error.message, /damaged/);
  assert.ok(error.message.includes(`sha256 ${sha256(TAMPERED)}, expected ${entry.sha256}`), error.message);
  assert.match(error.message, /--allow-download/);
  assert.deepEqual(requests, []);
  const resolved = await resolveDataset('tiny', { allowDownload: true, cacheDir, registry });
  assert.equal(resolved.downloaded, true);
  assert.equal(fs.readFileSync(target, 'utf8'), CONTENT);
});

test('an unknown name lists the known names and says no such file exists either', async () => {
  const { cacheDir, registry } = setUp(['/good']);
  const error = await rejectsWith(resolveDataset('netflx', { allowDownload: true, cacheDir, registry }));
  assert.match(error.message, /"netflx" is neither a file \(no such path\) nor a named dataset/);
  assert.match(error.message, /known names: tiny \(two made-up titles\)/);
  assert.deepEqual(requests, []);
  const real = await rejectsWith(resolveDataset('netflx', { cacheDir }));
  for (const d of DATASETS) assert.ok(real.message.includes(d.name), real.message);
});

test('paths are used as they are: an existing file (even named like a dataset); a missing one is "file not found", naming the datasets', async () => {
  const { cacheDir, registry } = setUp(['/good']);
  const here = process.cwd();
  const folder = path.join(fixture.dir, 'cwd');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'tiny'), CONTENT);
  process.chdir(folder);
  try {
    assert.deepEqual(await resolveDataset('tiny', { cacheDir, registry }), { file: 'tiny', downloaded: false });
  } finally {
    process.chdir(here);
  }
  const existing = fixture('titles.csv', CONTENT);
  assert.deepEqual(await resolveDataset(existing, { cacheDir, registry }), { file: existing, downloaded: false });
  for (const spec of ['data/netflix_titles.csv', 'missing.csv', './tiny', 'C:\\data\\tiny']) {
    const error = await rejectsWith(resolveDataset(spec, { allowDownload: true, cacheDir, registry }));
    assert.equal(error.file, spec);
    assert.match(error.message, /file not found \(or --data takes a named dataset: tiny; with --allow-download the first time\)/);
  }
  assert.equal(looksLikePath('netflix'), false);
  assert.equal(looksLikePath('titles.tsv'), true);
  assert.deepEqual(requests, []);
});

test('netflix: the shipped standard split is the project\'s split file, and the pinned sha256 and size match the shared copy', async (t) => {
  assert.ok(NETFLIX.split !== undefined && fs.existsSync(NETFLIX.split), `shipped split ${NETFLIX.split}`);
  assert.equal(NETFLIX.urls.length, 3);
  for (const url of NETFLIX.urls) assert.match(url, /^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[0-9a-f]{40}\/[\w./-]+\.csv$/);
  const shared = path.resolve('../shared/data');
  if (!fs.existsSync(path.join(shared, 'netflix_titles.csv'))) {
    t.skip(`${shared}/netflix_titles.csv is absent`);
    return;
  }
  assert.equal(await sha256File(NETFLIX.split), await sha256File(path.join(shared, 'split.csv')));
  const data = path.join(shared, 'netflix_titles.csv');
  assert.equal(fs.statSync(data).size, NETFLIX.bytes);
  assert.equal(await sha256File(data), NETFLIX.sha256);

  // The real file as a cache entry: resolved with no request and with the standard split.
  const cacheDir = path.join(fixture.dir, 'netflix-cache');
  const target = datasetCachePath(NETFLIX, cacheDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(data, target);
  const resolved = await resolveDataset('netflix', { cacheDir });
  assert.deepEqual(resolved, { file: target, split: NETFLIX.split, dataset: NETFLIX, downloaded: false });
});
