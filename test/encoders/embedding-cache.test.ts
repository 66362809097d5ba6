import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultCacheDir } from '../../src/encoders/cache-dir.js';
import { EmbeddingCache, embedWithCache, embeddingCacheFile } from '../../src/encoders/embedding-cache.js';
import type { EncoderReference, SentenceEncoder } from '../../src/encoders/sentence-encoder.js';
import { PlotlineError } from '../../src/util/errors.js';
import { fixtureFolder } from '../helpers/files.js';

/** A deterministic fake: each value depends on the encoder id, the text and the position. */
class FakeEncoder implements SentenceEncoder {
  readonly calls: string[][] = [];
  constructor(
    readonly id = 'fake:1',
    readonly dimension = 4,
  ) {}

  vector(text: string): Float32Array {
    const v = new Float32Array(this.dimension);
    let h = 2166136261;
    for (const c of `${this.id}\u0000${text}`) h = Math.imul(h ^ c.codePointAt(0)!, 16777619);
    for (let j = 0; j < this.dimension; j++) {
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
      v[j] = ((h >>> 0) / 2 ** 32) * 2 - 1;
    }
    return v;
  }

  async embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array> {
    this.calls.push([...texts]);
    const out = new Float32Array(texts.length * this.dimension);
    texts.forEach((text, i) => {
      out.set(this.vector(text), i * this.dimension);
      if ((i + 1) % 2 === 0) onProgress?.(i + 1);
    });
    return out;
  }

  get embedded(): number {
    return this.calls.reduce((sum, call) => sum + call.length, 0);
  }

  reference(): EncoderReference {
    return { type: 'use', id: this.id, source: 'fake', dimension: this.dimension, files: [{ path: 'x', sha256: '0'.repeat(64) }] };
  }

  async dispose(): Promise<void> {}
}

function expected(encoder: FakeEncoder, texts: readonly string[]): Float32Array {
  const out = new Float32Array(texts.length * encoder.dimension);
  texts.forEach((text, i) => out.set(encoder.vector(text), i * encoder.dimension));
  return out;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

test('a miss is embedded and saved; after reopening, the second run embeds nothing', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder();
  const texts = ['A detective hunts a killer.', 'Two sisters open a bakery.', 'A robot learns to love.'];

  const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  assert.equal(cache.warning, null);
  assert.equal(cache.size, 0);
  const first = await embedWithCache(encoder, texts, cache);
  assert.deepEqual(first.vectors, expected(encoder, texts));
  assert.deepEqual([first.hits, first.misses, first.warning], [0, 3, null]);
  assert.equal(encoder.calls.length, 1);
  assert.ok(fs.existsSync(embeddingCacheFile(dir, encoder.id)));

  const reopened = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  assert.equal(reopened.warning, null);
  assert.equal(reopened.size, 3);
  const second = await embedWithCache(encoder, [...texts].reverse(), reopened);
  assert.deepEqual(second.vectors, expected(encoder, [...texts].reverse()));
  assert.deepEqual([second.hits, second.misses], [3, 0]);
  assert.equal(encoder.calls.length, 1, 'the second run must not call the encoder');
  // Bit for bit what the encoder gave.
  assert.deepEqual(reopened.get(texts[1]), encoder.vector(texts[1]));
});

test('save is a no-op when nothing changed, and the file is replaced by a rename when something did', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder();
  const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  await cache.save();
  assert.deepEqual(filesUnder(dir), [], 'an empty, unchanged cache writes nothing');

  cache.set('a', encoder.vector('a'));
  await cache.save();
  const file = embeddingCacheFile(dir, encoder.id);
  const before = fs.statSync(file);
  await cache.save();
  cache.set('a', encoder.vector('a')); // the same vector again: still unchanged
  await cache.save();
  assert.equal(fs.statSync(file).ino, before.ino);
  assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs);

  cache.set('b', encoder.vector('b'));
  await cache.save();
  assert.notEqual(fs.statSync(file).ino, before.ino);
  assert.deepEqual(filesUnder(dir), ['embeddings', path.join('embeddings', path.basename(file))]);
});

test('duplicates in one call are embedded once and every row comes back in input order', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder('fake:dup', 3);
  const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  const texts = ['b', 'a', 'b', 'c', 'a', 'b'];
  const result = await embedWithCache(encoder, texts, cache);
  assert.deepEqual(encoder.calls, [['b', 'a', 'c']]);
  assert.deepEqual(result.vectors, expected(encoder, texts));
  assert.deepEqual([result.hits, result.misses], [0, 3]);

  // Mixed: cached texts (repeated too) and new ones (repeated too); only the new ones are embedded.
  const mixed = ['d', 'a', 'd', 'e', 'a', 'c'];
  const again = await embedWithCache(encoder, mixed, cache);
  assert.deepEqual(encoder.calls[1], ['d', 'e']);
  assert.deepEqual(again.vectors, expected(encoder, mixed));
  assert.deepEqual([again.hits, again.misses], [2, 2]);
  assert.equal(cache.size, 5);

  const none = await embedWithCache(encoder, [], cache);
  assert.deepEqual([none.vectors.length, none.hits, none.misses], [0, 0, 0]);
  assert.equal(encoder.calls.length, 2);
});

test('the cache key is the exact text: case, spaces and lone surrogates all count', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder();
  const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  // "\uD800" and "\uFFFD" have the same UTF-8 (lossy) encoding; they must not share a key.
  const texts = ['Heist', 'heist', 'heist ', ' heist', '\uD800', '\uFFFD', ''];
  await embedWithCache(encoder, texts, cache);
  assert.equal(cache.size, texts.length);
  const reopened = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  for (const text of texts) assert.deepEqual(reopened.get(text), encoder.vector(text), JSON.stringify(text));
});

test('different encoder ids do not collide, even in the same folder', async () => {
  const { dir } = fixtureFolder('cache');
  const use = new FakeEncoder('use-lite:abc', 4);
  const onnx = new FakeEncoder('onnx:minilm:def', 4);
  const texts = ['same text', 'another'];
  for (const encoder of [use, onnx]) {
    await embedWithCache(encoder, texts, await EmbeddingCache.open(dir, encoder.id, encoder.dimension));
  }
  assert.notEqual(embeddingCacheFile(dir, use.id), embeddingCacheFile(dir, onnx.id));
  for (const encoder of [use, onnx]) {
    const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
    assert.equal(cache.warning, null);
    const result = await embedWithCache(encoder, texts, cache);
    assert.deepEqual(result.vectors, expected(encoder, texts));
    assert.equal(encoder.calls.length, 1);
  }
  assert.notDeepEqual(use.vector('same text'), onnx.vector('same text'));

  // A cache opened for one encoder is refused for another.
  const cache = await EmbeddingCache.open(dir, use.id, use.dimension);
  await assert.rejects(embedWithCache(onnx, texts, cache), /is for use-lite:abc/);
});

test('a corrupt, truncated or foreign file starts empty with a warning, and the next save repairs it', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder();
  const file = embeddingCacheFile(dir, encoder.id);
  const texts = ['one', 'two'];
  await embedWithCache(encoder, texts, await EmbeddingCache.open(dir, encoder.id, encoder.dimension));
  const good = fs.readFileSync(file);

  const flipped = Buffer.from(good);
  flipped[flipped.length - 40] ^= 0x01; // a bit inside the last vector
  const version = Buffer.from(good);
  version.writeUInt32LE(99, 8);
  const cases: [string, Buffer, RegExp][] = [
    ['garbage', Buffer.from('not a cache at all, just some text that is long enough'), /not a Plotline embedding cache/],
    ['empty', Buffer.alloc(0), /not a Plotline embedding cache/],
    ['truncated', good.subarray(0, good.length - 10), /does not match its header.*truncated/],
    ['bit flip', flipped, /checksum does not match/],
    ['version', version, /format version 99/],
  ];
  for (const [name, bytes, reason] of cases) {
    fs.writeFileSync(file, bytes);
    const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
    assert.equal(cache.size, 0, name);
    assert.ok(cache.warning?.startsWith(`ignoring the embedding cache ${file}: `), name);
    assert.match(cache.warning!, reason, name);
    assert.match(cache.warning!, /starting empty$/, name);
    assert.equal(cache.get('one'), undefined);
  }

  // The file of another encoder id (as after a hash-prefix collision) is not read as ours.
  fs.writeFileSync(embeddingCacheFile(dir, 'other'), good);
  const other = await EmbeddingCache.open(dir, 'other', encoder.dimension);
  assert.match(other.warning!, /belongs to encoder "fake:1", not "other"/);

  // Repaired by the next run.
  fs.writeFileSync(file, 'garbage');
  const broken = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  const result = await embedWithCache(encoder, texts, broken);
  assert.deepEqual([result.hits, result.misses], [0, 2]);
  const repaired = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  assert.equal(repaired.warning, null);
  assert.equal(repaired.size, 2);

  // Unreadable (a folder where the file should be): a warning too, not an exception.
  const { dir: other2 } = fixtureFolder('cache');
  fs.mkdirSync(embeddingCacheFile(other2, encoder.id), { recursive: true });
  const unreadable = await EmbeddingCache.open(other2, encoder.id, encoder.dimension);
  assert.match(unreadable.warning!, /cannot be read/);
});

test('a dimension mismatch starts empty with a warning', async () => {
  const { dir } = fixtureFolder('cache');
  const small = new FakeEncoder('fake:dim', 4);
  await embedWithCache(small, ['x'], await EmbeddingCache.open(dir, small.id, small.dimension));
  const big = new FakeEncoder('fake:dim', 8);
  const cache = await EmbeddingCache.open(dir, big.id, big.dimension);
  assert.equal(cache.size, 0);
  assert.match(cache.warning!, /vectors have 4 values, the encoder gives 8/);
  const result = await embedWithCache(big, ['x'], cache);
  assert.deepEqual(result.vectors, big.vector('x'));
  assert.equal((await EmbeddingCache.open(dir, big.id, big.dimension)).size, 1);
  assert.throws(() => cache.set('y', new Float32Array(4)), RangeError);
});

test('no temporary files are left behind, even when saving fails', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder();
  const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  for (let round = 0; round < 3; round++) await embedWithCache(encoder, [`text ${round}`, 'shared'], cache);
  assert.deepEqual(
    filesUnder(path.join(dir, 'embeddings')),
    [path.basename(embeddingCacheFile(dir, encoder.id))],
  );

  // "embeddings" is a file, so the folder cannot be made: save throws naming the cache file, and
  // embedWithCache still returns the vectors, with the reason as a warning.
  const { dir: blocked } = fixtureFolder('cache');
  fs.writeFileSync(path.join(blocked, 'embeddings'), '');
  const failing = await EmbeddingCache.open(blocked, encoder.id, encoder.dimension);
  const result = await embedWithCache(encoder, ['a', 'b'], failing);
  assert.deepEqual(result.vectors, expected(encoder, ['a', 'b']));
  assert.match(result.warning!, /cannot write the embedding cache/);
  assert.ok(result.warning!.includes(embeddingCacheFile(blocked, encoder.id)));
  await assert.rejects(failing.save(), PlotlineError);
  assert.deepEqual(filesUnder(blocked), ['embeddings']);

  // The folder exists but the target is a non-empty folder: the rename fails after the temporary
  // file was written, and the temporary file is removed.
  if (os.platform() !== 'win32') {
    const { dir: occupied } = fixtureFolder('cache');
    const target = embeddingCacheFile(occupied, encoder.id);
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    const c = await EmbeddingCache.open(occupied, encoder.id, encoder.dimension);
    c.set('a', encoder.vector('a'));
    await assert.rejects(c.save(), PlotlineError);
    assert.deepEqual(fs.readdirSync(path.dirname(target)), [path.basename(target)]);
  }
});

test('cache null embeds everything (each distinct text once) and writes nothing', async () => {
  const encoder = new FakeEncoder();
  const texts = ['a', 'b', 'a'];
  const first = await embedWithCache(encoder, texts, null);
  const second = await embedWithCache(encoder, texts, null);
  assert.deepEqual(encoder.calls, [['a', 'b'], ['a', 'b']]);
  assert.deepEqual(first.vectors, expected(encoder, texts));
  assert.deepEqual(second.vectors, first.vectors);
  assert.deepEqual([second.hits, second.misses, second.warning], [0, 2, null]);
});

test('progress counts the texts to embed and ends at the total', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder();
  const cache = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  cache.set('cached', encoder.vector('cached'));
  const calls: [number, number][] = [];
  await embedWithCache(encoder, ['cached', 'a', 'b', 'c', 'a'], cache, (done, total) => calls.push([done, total]));
  assert.deepEqual(calls, [[2, 3], [3, 3]]);
  calls.length = 0;
  await embedWithCache(encoder, ['cached', 'a'], cache, (done, total) => calls.push([done, total]));
  assert.deepEqual(calls, [], 'nothing to embed, nothing to report');
});

test('get returns a copy; set copies its argument', async () => {
  const { dir } = fixtureFolder('cache');
  const cache = await EmbeddingCache.open(dir, 'fake:copy', 2);
  const vector = new Float32Array([1, 2]);
  cache.set('t', vector);
  vector[0] = 9;
  const got = cache.get('t')!;
  assert.deepEqual(got, new Float32Array([1, 2]));
  got[1] = 7;
  assert.deepEqual(cache.get('t'), new Float32Array([1, 2]));
  await assert.rejects(EmbeddingCache.open(dir, 'fake:copy', 0), RangeError);
});

test('a cache of many entries round-trips', async () => {
  const { dir } = fixtureFolder('cache');
  const encoder = new FakeEncoder('fake:many', 512);
  const texts = Array.from({ length: 2000 }, (_, i) => `description number ${i}`);
  await embedWithCache(encoder, texts, await EmbeddingCache.open(dir, encoder.id, encoder.dimension));
  const reopened = await EmbeddingCache.open(dir, encoder.id, encoder.dimension);
  assert.equal(reopened.size, 2000);
  const result = await embedWithCache(encoder, texts, reopened);
  assert.equal(result.hits, 2000);
  assert.deepEqual(result.vectors, expected(encoder, texts));
});

test('defaultCacheDir: PLOTLINE_CACHE_DIR, then XDG_CACHE_HOME/plotline, then ~/.cache/plotline', () => {
  const home = path.join(path.sep, 'home', 'ana');
  assert.equal(defaultCacheDir({ PLOTLINE_CACHE_DIR: '/tmp/pc', XDG_CACHE_HOME: '/x', HOME: home }), path.resolve('/tmp/pc'));
  assert.equal(defaultCacheDir({ PLOTLINE_CACHE_DIR: 'rel/cache', HOME: home }), path.resolve('rel/cache'));
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg', HOME: home }), path.join('/xdg', 'plotline'));
  assert.equal(defaultCacheDir({ PLOTLINE_CACHE_DIR: '', XDG_CACHE_HOME: '', HOME: home }), path.join(home, '.cache', 'plotline'));
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative/xdg', HOME: home }), path.join(home, '.cache', 'plotline'));
  assert.equal(defaultCacheDir({}), path.join(os.homedir(), '.cache', 'plotline'));
});
