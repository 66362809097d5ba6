/**
 * The Universal Sentence Encoder lite in ONNX Runtime (the default runtime) against the package's own
 * TF.js graph on wasm (the reference): the same vectors to 1e-4 per component on varied texts (short,
 * long, past the 128-token limit, unicode, empty-ish), whatever the batch; and a broken weight file is
 * named. Measured on these texts and 24 catalogue descriptions (2026-11-30): the largest difference was 1.0e-6.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readTitles } from '../../../src/data/titles.js';
import { openUseEncoder } from '../../../src/encoders/use/use-encoder.js';
import { USE_DIMENSION, locateUseFiles } from '../../../src/encoders/use/use-files.js';
import { UseOnnxEmbedder } from '../../../src/encoders/use/use-onnx-embedder.js';
import { buildUseOnnxModel, USE_MAX_TOKENS } from '../../../src/encoders/use/use-onnx-graph.js';
import { readUseWeights } from '../../../src/encoders/use/use-weights.js';
import { loadUnigramTokenizer } from '../../../src/encoders/use/sentencepiece-tokenizer.js';
import type { SentenceEncoder } from '../../../src/encoders/sentence-encoder.js';
import { fixtureFolder, rejectsWith } from '../../helpers/files.js';

const TOLERANCE = 1e-4;

const LONG = Array.from({ length: 90 }, (_, i) => `episode ${i} of the saga`).join(', ');
const TEXTS = [
  '',
  ' ',
  '\t\n',
  '.',
  'Love.',
  'A',
  'Zombies!',
  'A hard-boiled detective investigates a string of murders in a rain-soaked city.',
  'Two friends road-trip across the country and get into hilarious trouble.',
  'Café Déjà vu: a documentary about Parisian coffee culture, 1950–2020.',
  'Ｆｕｌｌｗｉｄｔｈ letters and ﬁ ligatures are NFKC-normalised first.',
  '東京の小さな食堂で、店主と常連客の人生が交差する。',
  'فيلم وثائقي عن الحياة في القاهرة',
  'Серия о московских детективах 1990-х годов.',
  '🎬🍿 A movie night goes wrong 😱 when the popcorn machine comes alive 🤖',
  'ALL CAPS TITLE: THE RETURN OF THE KING (EXTENDED EDITION) — 4K REMASTER',
  'numbers 1 22 333 4444 55555 666666 and 3.14159 and -42',
  '(((brackets))) [[[and]]] {{{braces}}} ::: ;;; ...',
  'word '.repeat(60).trim(),
  LONG,
  `${LONG} ${LONG}`,
  'A chef teaches home cooks how to bake sourdough bread and simmer tomato sauce.',
  'In 1970s Seoul, nobody is who they seem, and every clue leads further into the past.',
  'tab\tseparated\tvalues and a\nnew line',
  "it's an 'apostrophe' test, isn't it? \"quoted\" too",
];

let onnx: SentenceEncoder;
let tfjs: SentenceEncoder;
let texts: string[];

before(async () => {
  onnx = await openUseEncoder({ threads: 2 });
  tfjs = await openUseEncoder({ runtime: 'tfjs', threads: 1 });
  // Real catalogue descriptions too, when the shared data is there.
  const csv = path.resolve('../shared/data/netflix_titles.csv');
  const catalogue = fs.existsSync(csv) ? (await readTitles(csv)).titles.slice(0, 24).map((t) => t.description) : [];
  texts = [...TEXTS, ...catalogue];
});

after(async () => {
  await onnx.dispose();
  await tfjs.dispose();
});

function largestDifference(a: Float32Array, b: Float32Array): { worst: number; row: number } {
  assert.equal(a.length, b.length);
  let worst = 0;
  let row = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) {
      worst = d;
      row = Math.floor(i / USE_DIMENSION);
    }
  }
  return { worst, row };
}

test('ONNX Runtime and the TF.js graph give the same vectors to 1e-4 per component on varied texts', async (t) => {
  const tokenizer = await loadUnigramTokenizer(path.join((await locateUseFiles()).dir, 'vocab.json'));
  assert.ok(texts.some((t) => tokenizer.encode(t).length > USE_MAX_TOKENS), 'some text is past the 128-token limit');
  assert.ok(texts.some((t) => tokenizer.encode(t).length === 0), 'some text has no tokens');
  assert.equal(onnx.id, tfjs.id, 'same encoder id: the embedding cache and saved models do not tell them apart');
  const [a, b] = [await onnx.embed(texts), await tfjs.embed(texts)];
  assert.equal(a.length, texts.length * USE_DIMENSION);
  assert.ok(a.every(Number.isFinite));
  const { worst, row } = largestDifference(a, b);
  t.diagnostic(`${texts.length} texts, largest difference ${worst.toExponential(2)} (text ${row})`);
  assert.ok(worst <= TOLERANCE, `text ${row} (${JSON.stringify(texts[row])}) differs by ${worst}`);
  // Not vacuous: distinct texts give distinct vectors, and the vectors are unit length.
  assert.ok(largestDifference(a.subarray(7 * USE_DIMENSION, 8 * USE_DIMENSION), a.subarray(8 * USE_DIMENSION, 9 * USE_DIMENSION)).worst > 0.01);
  for (let r = 0; r < texts.length; r++) {
    const v = a.subarray(r * USE_DIMENSION, (r + 1) * USE_DIMENSION);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4, `text ${r} has unit norm`);
  }
});

test('the default runtime is ONNX Runtime: openUseEncoder() gives the ONNX embedder\'s bits, not the TF.js graph\'s', async () => {
  const some = texts.slice(4, 12);
  const embedder = await UseOnnxEmbedder.load((await locateUseFiles()).dir, 2);
  try {
    const direct = await embedder.embed(some);
    const byDefault = await openUseEncoder({ threads: 2 });
    try {
      assert.deepEqual(await byDefault.embed(some), direct);
    } finally {
      await byDefault.dispose();
    }
    assert.notDeepEqual(await tfjs.embed(some), direct, 'the two runtimes differ in the last bits, so the check above can fail');
  } finally {
    await embedder.dispose();
  }
});

test('a text gets the same vector alone, in any batch and in any order; a batch of token-less texts works', async () => {
  const all = await onnx.embed(texts);
  const reversed = await onnx.embed([...texts].reverse());
  const n = texts.length;
  for (let r = 0; r < n; r++) {
    const { worst } = largestDifference(all.subarray(r * USE_DIMENSION, (r + 1) * USE_DIMENSION), reversed.subarray((n - 1 - r) * USE_DIMENSION, (n - r) * USE_DIMENSION));
    assert.ok(worst <= 1e-6, `text ${r} reversed: ${worst}`);
  }
  for (const r of [0, 4, 19]) {
    const { worst } = largestDifference(await onnx.embed([texts[r]]), all.subarray(r * USE_DIMENSION, (r + 1) * USE_DIMENSION));
    assert.ok(worst <= 1e-6, `text ${r} alone: ${worst}`);
  }
  const empties = await onnx.embed(['', '', '']);
  assert.ok(largestDifference(empties.subarray(0, USE_DIMENSION), all.subarray(0, USE_DIMENSION)).worst <= 1e-6);
  assert.equal((await onnx.embed([])).length, 0);
});

test('text past 128 tokens: only the first 128 count, as in the TF.js graph', async () => {
  const [long, twice] = [await onnx.embed([LONG]), await onnx.embed([`${LONG} ${LONG}`])];
  // LONG alone is over 128 tokens, so doubling it changes nothing the encoder reads.
  assert.ok(largestDifference(long, twice).worst <= 1e-6);
});

test('a weight missing from the graph, or of another shape, is named', async () => {
  const weights = await readUseWeights((await locateUseFiles()).dir);
  const missing = new Map(weights);
  missing.delete('module/Encoder_en/hidden_layers/tanh_layer_0/bias');
  assert.throws(() => buildUseOnnxModel(missing), /no weight module\/Encoder_en\/hidden_layers\/tanh_layer_0\/bias/);
  const reshaped = new Map(weights);
  reshaped.set('module/Embeddings_en', { shape: [8002], values: new Float32Array(8002) });
  assert.throws(() => buildUseOnnxModel(reshaped), /module\/Embeddings_en has shape \[8002\]/);
});

test('shards shorter than the manifest: the error names model.json', async () => {
  const root = fixtureFolder('use-onnx');
  const copy = path.join(root.dir, 'short');
  const { dir } = await locateUseFiles();
  fs.cpSync(dir, copy, { recursive: true });
  const model = JSON.parse(fs.readFileSync(path.join(copy, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const last = model.weightsManifest.flatMap((g) => g.paths).at(-1)!;
  fs.truncateSync(path.join(copy, last), 1000);
  const error = await rejectsWith(UseOnnxEmbedder.load(copy, 1));
  assert.equal(error.file, path.join(copy, 'model.json'));
  assert.match(error.message, /fewer than the manifest/);
});
