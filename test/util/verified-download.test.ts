import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { downloadVerified } from '../../src/util/verified-download.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';

const fixture = fixtureFolder('verified-download');
const BYTES = Buffer.from('id,text\r\n1,hello\r\n2,world');
const SHA = createHash('sha256').update(BYTES).digest('hex');

/** A fetch that answers from a table (no socket): url -> body or HTTP status; records the URLs asked. */
function tableFetch(table: Record<string, Buffer | number>, asked: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    const entry = table[url];
    if (entry === undefined) throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') });
    return typeof entry === 'number' ? new Response('nope', { status: entry }) : new Response(new Uint8Array(entry));
  }) as typeof fetch;
}

test('the first URL with the right bytes wins; earlier failures are skipped; missing folders are made', async () => {
  const asked: string[] = [];
  const target = path.join(fixture.dir, 'a', 'b', 'file.csv');
  const url = await downloadVerified(['u:dns', 'u:403', 'u:ok', 'u:never'], target, {
    sha256: SHA,
    fetch: tableFetch({ 'u:403': 403, 'u:ok': BYTES, 'u:never': BYTES }, asked),
  });
  assert.equal(url, 'u:ok');
  assert.deepEqual(asked, ['u:dns', 'u:403', 'u:ok']);
  assert.deepEqual(fs.readFileSync(target), BYTES);
  assert.deepEqual(fs.readdirSync(path.dirname(target)), ['file.csv']);
});

test('an existing target is replaced only by verified bytes', async () => {
  const target = fixture('existing.csv', 'old');
  const wrong = Buffer.from('id,text\r\n1,hellO\r\n2,world');
  const error = await rejectsWith(downloadVerified(['u:wrong'], target, { sha256: SHA, fetch: tableFetch({ 'u:wrong': wrong }, []) }));
  assert.match(error.message, /sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64} \(25 bytes\); refused/);
  assert.equal(fs.readFileSync(target, 'utf8'), 'old', 'the old file is untouched');
  await downloadVerified(['u:ok'], target, { sha256: SHA, bytes: BYTES.length, fetch: tableFetch({ 'u:ok': BYTES }, []) });
  assert.deepEqual(fs.readFileSync(target), BYTES);
  assert.deepEqual(fs.readdirSync(fixture.dir).filter((f) => f.includes('.tmp-')), []);
});

test('failures name the target, every URL and its reason; folders made for it are removed', async () => {
  const target = path.join(fixture.dir, 'new', 'deeper', 'file.csv');
  const error = await rejectsWith(downloadVerified(['u:dns', 'u:500'], target, { sha256: SHA, fetch: tableFetch({ 'u:500': 500 }, []) }));
  assert.equal(error.file, target);
  assert.match(error.message, /every URL \(2\):\n {2}u:dns: fetch failed: getaddrinfo ENOTFOUND\n {2}u:500: HTTP 500/);
  assert.equal(fs.existsSync(path.join(fixture.dir, 'new')), false);
  await rejectsWith(downloadVerified([], target, { sha256: SHA }));
});
