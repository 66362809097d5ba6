/**
 * openEncoder by type, and reopenEncoder: the encoder a saved model references is accepted when its
 * files hash as recorded, and refused, naming the manifest, the field and the differing file, when not.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openEncoder, reopenEncoder } from '../../src/encoders/open-encoder.js';
import { USE_PACKAGE, locateUseFiles } from '../../src/encoders/use/use-files.js';
import type { EncoderReference, SentenceEncoder } from '../../src/encoders/sentence-encoder.js';
import { PlotlineError } from '../../src/util/errors.js';
import { fixtureFolder, rejectsWith } from '../helpers/files.js';
import { TINY_BERT, noSharedMiniLm, writeTinyBertFolder } from '../helpers/tiny-bert.js';

const root = fixtureFolder('open-encoder');
const manifestFile = path.join(root.dir, 'model', 'manifest.json');
const THREADS = { threads: 1 };

let use: SentenceEncoder;
let useRef: EncoderReference;
let packageDir = '';

before(async () => {
  use = await openEncoder('use', undefined, THREADS);
  useRef = use.reference();
  packageDir = (await locateUseFiles()).dir;
});

after(async () => {
  await use.dispose();
});

/** `reference` with the sha256 of `file` replaced. */
function withAlteredHash(reference: EncoderReference, file: string): EncoderReference {
  const files = reference.files.map((f) => (f.path === file ? { ...f, sha256: f.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')) } : f));
  assert.notDeepEqual(files, reference.files, `${file} is one of the reference's files`);
  return { ...reference, files: files as EncoderReference['files'] };
}

/** Asserts the refusal names the manifest, field "encoder", `file`, and none of the other files. */
function assertRefusal(error: PlotlineError, reference: EncoderReference, file: string): void {
  assert.equal(error.file, manifestFile);
  assert.equal(error.field, 'encoder');
  assert.ok(error.message.includes(manifestFile), `"${error.message}" names the manifest`);
  assert.ok(error.message.includes('field "encoder"'), `"${error.message}" names the field`);
  assert.ok(error.message.includes(file), `"${error.message}" names ${file}`);
  assert.ok(error.message.includes(reference.id), `"${error.message}" names the encoder id`);
  for (const other of reference.files) {
    if (other.path !== file && !file.includes(other.path)) assert.ok(!error.message.includes(`${other.path} (`), `"${error.message}" does not blame ${other.path}`);
  }
}

test('openEncoder("use") without a folder opens the npm package', () => {
  assert.equal(use.dimension, 512);
  assert.equal(useRef.type, 'use');
  assert.ok(useRef.source.startsWith(`${USE_PACKAGE}@`), useRef.source);
});

test('reopenEncoder accepts a reference equal to the encoder\'s and gives the same vectors', async () => {
  const reopened = await reopenEncoder(structuredClone(useRef), manifestFile, THREADS);
  try {
    assert.equal(reopened.id, use.id);
    assert.deepEqual(reopened.reference(), useRef);
    const texts = ['a heist goes wrong', 'a quiet family drama'];
    assert.deepEqual(Array.from(await reopened.embed(texts)), Array.from(await use.embed(texts)));
  } finally {
    await reopened.dispose();
  }
});

test('reopenEncoder refuses an encoder whose shard hashes differently, naming manifest, field and file', async () => {
  const shard = useRef.files[2].path;
  assert.match(shard, /shard/);
  const reference = withAlteredHash(useRef, shard);
  assertRefusal(await rejectsWith(reopenEncoder(reference, manifestFile, THREADS)), reference, shard);
});

test('reopenEncoder refuses an encoder of another dimension', async () => {
  const reference = { ...useRef, dimension: 384 };
  const error = await rejectsWith(reopenEncoder(reference, manifestFile, THREADS));
  assert.equal(error.field, 'encoder');
  assert.match(error.message, /dimension 512, expected 384/);
});

test('a copied USE folder: accepted via override and via a file: source; refused once its vocab.json changes', async () => {
  const copy = path.join(root.dir, 'use-copy');
  fs.cpSync(packageDir, copy, { recursive: true });
  for (const reference of [useRef, { ...useRef, source: `file:${copy}` }]) {
    const override = reference === useRef ? copy : undefined;
    const reopened = await reopenEncoder(reference, manifestFile, { ...THREADS, override });
    assert.equal(reopened.id, use.id);
    assert.equal(reopened.reference().source, `file:${copy}`, 'opened from the copy');
    await reopened.dispose();
  }

  const vocab = path.join(copy, 'vocab.json');
  const entries = JSON.parse(fs.readFileSync(vocab, 'utf8')) as [string, number | null][];
  entries[100] = [entries[100][0], (entries[100][1] ?? 0) - 1];
  fs.writeFileSync(vocab, JSON.stringify(entries));
  assertRefusal(await rejectsWith(reopenEncoder(useRef, manifestFile, { ...THREADS, override: copy })), useRef, 'vocab.json');
  assertRefusal(await rejectsWith(reopenEncoder({ ...useRef, source: `file:${copy}` }, manifestFile, THREADS)), useRef, 'vocab.json');
});

test('reopenEncoder with a file: source that no longer exists names the manifest\'s encoder field, the missing model.json and --encoder', async () => {
  const gone = path.join(root.dir, 'moved-away');
  const error = await rejectsWith(reopenEncoder({ ...useRef, source: `file:${gone}` }, manifestFile, THREADS));
  assert.equal(error.file, manifestFile);
  assert.equal(error.field, 'encoder');
  assert.ok(error.message.includes(path.join(gone, 'model.json')), error.message);
  assert.match(error.message, /--encoder/);
});

test('openEncoder("onnx") without a folder or hub id says it needs --encoder', async () => {
  const error = await rejectsWith(openEncoder('onnx', undefined));
  assert.match(error.message, /model kind onnx needs --encoder/);
  assert.ok(error instanceof PlotlineError);
});

test('openEncoder("onnx") on a path that does not exist names it', async () => {
  const missing = path.join(root.dir, 'no-such-model');
  const error = await rejectsWith(openEncoder('onnx', missing));
  assert.equal(error.file, missing);
});

test('openEncoder("onnx") on the tiny BERT folder embeds; reopenEncoder accepts it and refuses a changed ONNX file', { skip: noSharedMiniLm }, async () => {
  const dir = writeTinyBertFolder(path.join(root.dir, 'tiny-bert'));
  const encoder = await openEncoder('onnx', dir);
  let reference: EncoderReference;
  try {
    assert.equal(encoder.dimension, TINY_BERT.hidden);
    const vectors = await encoder.embed(['a detective in the rain', 'love']);
    assert.equal(vectors.length, 2 * TINY_BERT.hidden);
    assert.ok(vectors.every(Number.isFinite));
    reference = encoder.reference();
    assert.equal(reference.type, 'onnx');
    assert.equal(reference.source, dir);
    assert.ok(reference.files.some((f) => f.path === 'onnx/model.onnx'));
  } finally {
    await encoder.dispose();
  }

  const reopened = await reopenEncoder(reference, manifestFile);
  assert.equal(reopened.id, reference.id);
  await reopened.dispose();

  const altered = withAlteredHash(reference, 'onnx/model.onnx');
  assertRefusal(await rejectsWith(reopenEncoder(altered, manifestFile)), altered, 'onnx/model.onnx');
});
