/**
 * The ONNX encoder end to end on the tiny test-built BERT (test/helpers/tiny-bert.ts) with the real
 * all-MiniLM-L6-v2 tokenizer: vectors checked against the raw model output pooled by the test itself,
 * batching and padding that must not change a text's vector, input order, determinism, the reference
 * a saved model records, and the hub path that must not touch the network unless allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AutoModel, Tensor, env } from '@huggingface/transformers';
import { openOnnxEncoder, type OnnxEncoder } from '../../../src/encoders/onnx/onnx-encoder.js';
import { EncoderReferenceSchema } from '../../../src/encoders/sentence-encoder.js';
import { fixtureFolder, rejectsWith } from '../../helpers/files.js';
import { TINY_BERT, noSharedMiniLm, sharedMiniLmDir, writeTinyBertFolder, type TinyBertFolderOptions } from '../../helpers/tiny-bert.js';

const skip = { skip: noSharedMiniLm };
const root = fixtureFolder('onnx-encoder');
const H = TINY_BERT.hidden;

const TEXTS = [
  'A detective hunts a killer in 1970s Seoul.',
  'Love.',
  'After a mysterious plane crash strands them on a remote island, a group of teenagers must survive storms, wild animals and each other while a rescue team races against time.',
  'Stand-up comedy from Mumbai.',
  'Café Déjà vu',
];

const folders = new Map<string, string>();
/** One folder per option set, built on first use (the ONNX file is ~4 MB). */
function tinyFolder(options: TinyBertFolderOptions = {}): string {
  const key = JSON.stringify(options);
  let dir = folders.get(key);
  if (dir === undefined) {
    dir = writeTinyBertFolder(path.join(root.dir, `tiny-${folders.size}`), options);
    folders.set(key, dir);
  }
  return dir;
}

async function withEncoder<T>(dir: string, fn: (encoder: OnnxEncoder) => Promise<T>, batchSize?: number): Promise<T> {
  const encoder = await openOnnxEncoder(dir, { batchSize });
  try {
    return await fn(encoder);
  } finally {
    await encoder.dispose();
  }
}

const row = (vectors: Float32Array, i: number): Float32Array => vectors.subarray(i * H, (i + 1) * H);
const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${what}: differs by ${worst}`);
}

/** The model's raw token vectors for one text alone (no padding), straight from ONNX Runtime. */
async function rawTokenVectors(dir: string, ids: number[]): Promise<Float32Array> {
  const model = await AutoModel.from_pretrained(dir, { local_files_only: true, device: 'cpu', dtype: 'fp32' });
  try {
    const dims = [1, ids.length];
    const outputs = (await model.forward({
      input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), dims),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), dims),
      token_type_ids: new Tensor('int64', new BigInt64Array(ids.length), dims),
    })) as { last_hidden_state: Tensor };
    return outputs.last_hidden_state.data as Float32Array;
  } finally {
    await model.dispose();
  }
}

test('mean pooling and normalisation match the raw model output pooled by hand, in input order', skip, async () => {
  const dir = tinyFolder();
  await withEncoder(dir, async (encoder) => {
    assert.equal(encoder.dimension, H);
    assert.equal(encoder.folder.pooling, 'mean');
    assert.equal(encoder.folder.normalize, true);
    const vectors = await encoder.embed(TEXTS);
    assert.equal(vectors.length, TEXTS.length * H);
    for (const [i, text] of TEXTS.entries()) {
      const ids = encoder.tokenize(text);
      const tokens = await rawTokenVectors(dir, ids);
      const mean = new Float32Array(H);
      for (let t = 0; t < ids.length; t++) for (let j = 0; j < H; j++) mean[j] += tokens[t * H + j] / ids.length;
      const length = norm(mean);
      assertClose(row(vectors, i), mean.map((x) => x / length), 1e-5, `text ${i}`);
      assert.ok(Math.abs(norm(row(vectors, i)) - 1) < 1e-5);
    }
  });
});

test('a text embedded alone equals the same text batched with longer ones (padding is masked)', skip, async () => {
  await withEncoder(tinyFolder(), async (encoder) => {
    const alone = await encoder.embed([TEXTS[1]]);
    const batched = await encoder.embed([TEXTS[1], TEXTS[2], TEXTS[0]]);
    assertClose(row(batched, 0), alone, 1e-5, 'short text in a padded batch');
  });
  // Batch size changes which texts share a batch, never the vectors.
  const one = await withEncoder(tinyFolder(), (encoder) => encoder.embed(TEXTS), 1);
  const all = await withEncoder(tinyFolder(), (encoder) => encoder.embed(TEXTS), 32);
  assertClose(one, all, 1e-5, 'batch size 1 vs 32');
});

test('cls pooling takes the first token vector; without Normalize the vectors keep their length', skip, async () => {
  const dir = tinyFolder({ pooling: 'cls', normalize: false });
  await withEncoder(dir, async (encoder) => {
    assert.equal(encoder.folder.pooling, 'cls');
    assert.equal(encoder.folder.normalize, false);
    const vectors = await encoder.embed([TEXTS[0], TEXTS[2]]);
    for (const [i, text] of [TEXTS[0], TEXTS[2]].entries()) {
      const tokens = await rawTokenVectors(dir, encoder.tokenize(text));
      assertClose(row(vectors, i), tokens.subarray(0, H), 1e-5, `text ${i}`);
    }
    // The tiny model ends in LayerNorm with unit gain: token vectors have length about sqrt(H), not 1.
    assert.ok(norm(row(vectors, 0)) > 2, `norm ${norm(row(vectors, 0))}`);
  });
});

test('embedding is deterministic: again, concurrently, and after reloading', skip, async () => {
  const dir = tinyFolder();
  const [first, id] = await withEncoder(dir, async (encoder) => {
    const a = await encoder.embed(TEXTS);
    const b = await encoder.embed(TEXTS);
    assert.deepEqual(b, a);
    const [c, d] = await Promise.all([encoder.embed(TEXTS), encoder.embed(TEXTS.slice(0, 2))]);
    assert.deepEqual(c, a);
    assert.deepEqual(d, a.slice(0, 2 * H));
    return [a, encoder.id] as const;
  });
  await withEncoder(dir, async (encoder) => {
    assert.equal(encoder.id, id);
    assert.deepEqual(await encoder.embed(TEXTS), first);
  });
});

test('progress is reported after each batch; an empty input gives an empty result', skip, async () => {
  await withEncoder(
    tinyFolder(),
    async (encoder) => {
      const done: number[] = [];
      await encoder.embed(TEXTS, (n) => done.push(n));
      assert.deepEqual(done, [2, 4, 5]);
      const none: number[] = [];
      assert.equal((await encoder.embed([], (n) => none.push(n))).length, 0);
      assert.deepEqual(none, []);
    },
    2,
  );
});

test('dispose frees the session; embedding afterwards fails instead of crashing', skip, async () => {
  const encoder = await openOnnxEncoder(tinyFolder());
  const pending = encoder.embed(TEXTS);
  await encoder.dispose();
  assert.equal((await pending).length, TEXTS.length * H, 'an embed already queued finishes first');
  await assert.rejects(encoder.embed(TEXTS), /was disposed/);
  await encoder.dispose();
});

test('reference(): what a saved model records, with the sha256sum of every file and an id stable across loads', skip, async () => {
  const dir = tinyFolder();
  const [first, second] = await Promise.all([withEncoder(dir, async (e) => e.reference()), withEncoder(dir, async (e) => e.reference())]);
  assert.deepEqual(first, second);
  assert.deepEqual(EncoderReferenceSchema.parse(first), first);
  assert.equal(first.type, 'onnx');
  assert.equal(first.source, dir);
  assert.equal(first.dimension, H);
  assert.equal(first.pooling, 'mean');
  assert.equal(first.normalize, true);
  assert.equal(first.maxLength, 256);
  assert.match(first.id, new RegExp(`^onnx:${path.basename(dir)}:[0-9a-f]{12}$`));
  const paths = first.files.map((f) => f.path);
  for (const required of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) assert.ok(paths.includes(required), required);
  const sums = execFileSync('sha256sum', paths, { cwd: dir, encoding: 'utf8' }).trim().split('\n').map((line) => line.split(/\s+/)[0]);
  assert.deepEqual(first.files.map((f) => f.sha256), sums);
});

test('model_quantized.onnx is used when there is no model.onnx', skip, async () => {
  const dir = tinyFolder({ onnxFile: 'model_quantized.onnx' });
  await withEncoder(dir, async (encoder) => {
    assert.equal(encoder.folder.modelFile, 'onnx/model_quantized.onnx');
    // The "quantised" file holds the same float graph here, so the vectors are those of model.onnx.
    const expected = await withEncoder(tinyFolder(), (e) => e.embed(TEXTS.slice(0, 2)));
    assert.deepEqual(await encoder.embed(TEXTS.slice(0, 2)), expected);
  });
});

test('a missing ONNX file or tokenizer.json is named; a path that is neither folder nor hub id says so', async () => {
  const dir = path.join(root.dir, 'incomplete');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 32 }));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), '{}');
  const noTokenizer = await rejectsWith(openOnnxEncoder(dir));
  assert.match(noTokenizer.message, /tokenizer\.json: missing/);
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
  const noOnnx = await rejectsWith(openOnnxEncoder(dir));
  assert.ok(noOnnx.message.includes(path.join(dir, 'onnx', 'model.onnx')), noOnnx.message);
  const nowhere = await rejectsWith(openOnnxEncoder(path.join(root.dir, 'no', 'such', 'model')));
  assert.match(nowhere.message, /no[/\\]such[/\\]model: not found/);
});

/** Replaces every way out to the network with a recorder; `serve` answers instead (default: fail). */
async function withFetch<T>(serve: ((url: string) => Response) | undefined, fn: (calls: string[]) => Promise<T>): Promise<T> {
  const calls: string[] = [];
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(url);
    if (serve === undefined) throw new Error(`unexpected network call to ${url}`);
    return serve(url);
  };
  const [savedEnvFetch, savedGlobalFetch] = [env.fetch, globalThis.fetch];
  env.fetch = fake;
  globalThis.fetch = fake as typeof globalThis.fetch;
  try {
    return await fn(calls);
  } finally {
    env.fetch = savedEnvFetch;
    globalThis.fetch = savedGlobalFetch;
  }
}

test('a hub id without allowDownload fails clearly and makes no network call', async () => {
  const cacheDir = path.join(root.dir, 'empty-cache');
  await withFetch(undefined, async (calls) => {
    const err = await rejectsWith(openOnnxEncoder('sentence-transformers/all-MiniLM-L6-v2', { cacheDir }));
    assert.match(err.message, /"sentence-transformers\/all-MiniLM-L6-v2" is not a folder on disk/);
    assert.match(err.message, /--allow-download/);
    assert.match(err.message, /local model folder/);
    assert.deepEqual(calls, []);
  });
  assert.equal(fs.existsSync(cacheDir), false, 'nothing written to the cache');
});

test('with allowDownload a hub id is fetched into the cache once, then opened from it offline', skip, async () => {
  const source = tinyFolder();
  const cacheDir = path.join(root.dir, 'hub-cache');
  const id = 'plotline-test/tiny-bert';
  const prefix = `https://huggingface.co/${id}/resolve/main/`;
  const serve = (url: string): Response => {
    assert.ok(url.startsWith(prefix), url);
    const file = path.join(source, ...url.slice(prefix.length).split('/'));
    return fs.existsSync(file) ? new Response(fs.readFileSync(file)) : new Response('not found', { status: 404 });
  };
  const expected = await withEncoder(source, (e) => e.embed(TEXTS));
  await withFetch(serve, async (calls) => {
    const encoder = await openOnnxEncoder(id, { allowDownload: true, cacheDir });
    try {
      assert.equal(encoder.reference().source, id);
      assert.equal(encoder.folder.dir, path.join(cacheDir, 'plotline-test', 'tiny-bert'));
      assert.deepEqual(await encoder.embed(TEXTS), expected);
    } finally {
      await encoder.dispose();
    }
    const fetched = calls.map((url) => url.slice(prefix.length)).sort();
    assert.deepEqual(fetched, ['1_Pooling/config.json', 'config.json', 'modules.json', 'onnx/model.onnx', 'sentence_bert_config.json', 'tokenizer.json', 'tokenizer_config.json']);
  });
  await withFetch(undefined, async (calls) => {
    const encoder = await openOnnxEncoder(id, { cacheDir });
    await encoder.dispose();
    assert.deepEqual(calls, []);
  });
  // A hub model without an ONNX export says what is missing.
  const bare = await withFetch(
    (url) => (url.includes('/onnx/') ? new Response('not found', { status: 404 }) : serve(url.replace('other/bare', id))),
    () => rejectsWith(openOnnxEncoder('other/bare', { allowDownload: true, cacheDir })),
  );
  assert.match(bare.message, /"other\/bare" on the hub has no onnx\/model\.onnx or onnx\/model_quantized\.onnx/);
});

test('the shared tokenizer folder alone (no ONNX export) is refused, naming the ONNX file', skip, async () => {
  const err = await rejectsWith(openOnnxEncoder(sharedMiniLmDir));
  assert.match(err.message, /onnx[/\\]model\.onnx: missing/);
});
