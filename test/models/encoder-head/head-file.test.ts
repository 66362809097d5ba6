/**
 * readDenseHead: a head saved as tfjs layers (network-files.ts's writeNetwork) reads back without tfjs
 * and scores as the network does (within 1e-6); anything that is not the Dense/dropout stack of an
 * encoder + head model, or whose weights do not match its manifest, is refused with a PlotlineError
 * naming model.json or weights.bin.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../../src/engine/backend.js';
import { buildHead } from '../../../src/models/encoder-head/head.js';
import { NetworkHead } from '../../../src/models/encoder-head/network-head.js';
import { readDenseHead } from '../../../src/models/encoder-head/head-file.js';
import { writeNetwork } from '../../../src/models/network-files.js';
import { createRng } from '../../../src/util/random.js';
import { fixtureFolder, rejectsWith } from '../../helpers/files.js';

const root = fixtureFolder('head-file');
const INPUTS = 24;
const GENRES = 5;
let saved = '';
let reference: NetworkHead;

before(async () => {
  await useBackend('wasm');
  reference = new NetworkHead(buildHead({ hidden: [16], dropout: 0.3, l2: 0 }, INPUTS, GENRES, 3));
  saved = path.join(root.dir, 'saved');
  fs.mkdirSync(saved);
  await writeNetwork(reference.network, saved);
});

/** A copy of the saved head with model.json edited by `edit` (and weights.bin by `editWeights`). */
function edited(name: string, edit: (json: any) => void, editWeights?: (bytes: Buffer) => Buffer): string {
  const dir = path.join(root.dir, name);
  fs.mkdirSync(dir);
  const json = JSON.parse(fs.readFileSync(path.join(saved, 'model.json'), 'utf8'));
  edit(json);
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  const bytes = fs.readFileSync(path.join(saved, 'weights.bin'));
  fs.writeFileSync(path.join(dir, 'weights.bin'), editWeights === undefined ? bytes : editWeights(Buffer.from(bytes)));
  return dir;
}

test('a saved head reads back without tfjs and scores as its network, within 1e-6', async () => {
  const head = await readDenseHead(saved, GENRES);
  assert.equal(head.inputs, INPUTS);
  assert.deepEqual(head.denseLayers().map((l) => [l.name, l.inputs, l.units, l.activation]), [['hidden_1', INPUTS, 16, 'relu'], ['genres', 16, GENRES, 'sigmoid']]);
  const rng = createRng(4);
  const x = Float32Array.from({ length: 50 * INPUTS }, () => rng.next() * 2 - 1);
  const expected = reference.score(x);
  const got = head.score(x);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - expected[i]) <= 1e-6, `cell ${i}: ${got[i]} vs ${expected[i]}`);
});

test('anything but the head\'s Dense/dropout stack, or weights that do not match, is refused naming the file', async () => {
  const modelJson = (dir: string) => path.join(dir, 'model.json');
  const layers = (json: any) => json.modelTopology.config.layers as any[];
  const cases: [string, (json: any) => void, RegExp][] = [
    ['no-topology', (j) => delete j.modelTopology, /lacks modelTopology/],
    ['sequential', (j) => (j.modelTopology.class_name = 'Sequential'), /class_name is "Sequential"/],
    ['conv', (j) => (layers(j)[2].class_name = 'Conv1D'), /class "Conv1D", not Dense or dropout/],
    ['tanh', (j) => (layers(j)[2].config.activation = 'tanh'), /activation "tanh"/],
    ['no-bias', (j) => (layers(j)[2].config.use_bias = false), /no bias/],
    ['branch', (j) => (layers(j)[4].inbound_nodes[0][0][0] = 'embedding'), /does not read the layer before it/],
    ['input', (j) => (layers(j)[0].config.batch_input_shape = [null, 24, 3]), /InputLayer of shape \[null, d\]/],
    ['extra-weight', (j) => j.weightsManifest[0].weights.push({ name: 'hidden_1/gamma', shape: [16], dtype: 'float32' }), /"hidden_1\/gamma", which is no Dense layer's/],
    ['missing-weight', (j) => j.weightsManifest[0].weights.pop(), /lacks genres\/bias/],
    ['shape', (j) => (j.weightsManifest[0].weights[0].shape = [16, 24]), /shape \[16, 24\], expected \[24, 16\]/],
    ['dtype', (j) => (j.weightsManifest[0].weights[1].dtype = 'int32'), /int32, not float32/],
    // The activations head.ts builds, and nothing else: other ones give scores that are not probabilities.
    ['linear-last', (j) => (layers(j).at(-1).config.activation = 'linear'), /"genres" has activation "linear"; a head's last Dense layer is sigmoid/],
    ['sigmoid-hidden', (j) => (layers(j)[2].config.activation = 'sigmoid'), /"hidden_1" has activation "sigmoid"; a head's hidden Dense layers are relu/],
    ['quantised', (j) => (j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 }), /is quantised/],
    ['paths', (j) => (j.weightsManifest[0].paths = ['../other.bin']), /names files other than weights\.bin/],
  ];
  for (const [name, edit, message] of cases) {
    const dir = edited(name, edit);
    const error = await rejectsWith(readDenseHead(dir, GENRES));
    assert.equal(error.file, modelJson(dir), name);
    assert.match(error.message, message, name);
  }
  const outputs = await rejectsWith(readDenseHead(saved, GENRES + 1));
  assert.match(outputs.message, /5 outputs but the manifest lists 6 genres/);

  const weights = (dir: string) => path.join(dir, 'weights.bin');
  const short = edited('short', () => {}, (b) => b.subarray(0, b.length - 4));
  const shortError = await rejectsWith(readDenseHead(short, GENRES));
  assert.equal(shortError.file, weights(short));
  assert.match(shortError.message, /holds \d+ bytes, model.json describes \d+/);
  const nan = edited('nan', () => {}, (b) => (b.writeFloatLE(Number.NaN, 4 * (INPUTS * 16 + 3)), b));
  const nanError = await rejectsWith(readDenseHead(nan, GENRES));
  assert.equal(nanError.file, weights(nan));
  assert.match(nanError.message, /weight "hidden_1\/bias" holds NaN at flat index 3/);
  const gone = edited('gone', () => {});
  fs.rmSync(weights(gone));
  assert.match((await rejectsWith(readDenseHead(gone, GENRES))).message, /missing/);
});
