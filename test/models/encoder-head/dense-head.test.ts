/**
 * DenseHead (a saved head scored without tfjs, in the bag's WebAssembly SIMD kernel) against the tfjs
 * network it was saved from: the same probabilities within 1e-6 for the `use` head's real shape
 * (512 -> 1024 ReLU -> 42 sigmoid), deeper and linear heads, widths that are no multiple of the kernel's
 * 16, rows of zeros and large values; and the layers it reports are the network's.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/engine/backend.js';
import { buildHead } from '../../../src/models/encoder-head/head.js';
import { NetworkHead } from '../../../src/models/encoder-head/network-head.js';
import { DenseHead } from '../../../src/models/encoder-head/dense-head.js';
import { createRng } from '../../../src/util/random.js';

before(async () => {
  await useBackend('wasm');
});

/** A head network with seeded weights: He-normal kernels as built, biases set to seeded values in [-0.5, 0.5). */
function seededHead(hidden: number[], inputs: number, genres: number, seed: number): tf.LayersModel {
  const network = buildHead({ hidden, dropout: 0.5, l2: 0 }, inputs, genres, seed);
  const rng = createRng(seed + 100);
  for (const layer of network.layers.filter((l) => l.getClassName() === 'Dense')) {
    const [kernel, bias] = layer.getWeights();
    layer.setWeights([kernel, tf.tensor1d(Float32Array.from({ length: bias.size }, () => rng.next() - 0.5))]);
  }
  return network;
}

/** n vectors of `d` floats: unit length (as USE's), one all zeros, one with large values. */
function vectors(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const row = out.subarray(r * d, (r + 1) * d);
    if (r === 1) continue;
    for (let j = 0; j < d; j++) row[j] = rng.next() * 2 - 1;
    const norm = Math.hypot(...row);
    for (let j = 0; j < d; j++) row[j] = r === 2 ? row[j] * 8 : row[j] / norm;
  }
  return out;
}

for (const [hidden, inputs, genres] of [[[1024], 512, 42], [[16, 8], 24, 5], [[], 24, 5], [[7], 20, 3]] as const) {
  test(`a head ${inputs} -> [${hidden.join(', ')}] -> ${genres}: DenseHead's scores are tfjs's within 1e-6`, () => {
    const network = seededHead([...hidden], inputs, genres, 5);
    const reference = new NetworkHead(network);
    const dense = new DenseHead(reference.denseLayers());
    assert.equal(dense.inputs, inputs);
    assert.equal(dense.outputs, genres);
    assert.deepEqual(dense.parameterCounts(), reference.parameterCounts());
    const x = vectors(300, inputs, 9);
    const expected = reference.score(x);
    const got = dense.score(x);
    assert.equal(got.length, expected.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
    assert.ok(worst <= 1e-6, `largest difference ${worst}`);
    assert.ok(Math.max(...expected) - Math.min(...expected) > 0.3, 'the scores spread (the comparison means something)');
    // A row scored alone is the same row of the batch.
    assert.deepEqual(Array.from(dense.score(x.subarray(3 * inputs, 4 * inputs))), Array.from(got.subarray(3 * genres, 4 * genres)));
    assert.equal(dense.score(new Float32Array(0)).length, 0);
    network.dispose();
  });
}

test('DenseHead refuses layers that do not chain', () => {
  const layer = (name: string, inputs: number, units: number) => ({ name, inputs, units, kernel: new Float32Array(inputs * units), bias: new Float32Array(units), activation: 'relu' as const });
  assert.throws(() => new DenseHead([]), /at least one Dense layer/);
  assert.throws(() => new DenseHead([layer('a', 4, 3), layer('b', 4, 2)]), /"b" reads 4 values but "a" gives 3/);
  assert.throws(() => new DenseHead([{ ...layer('a', 4, 3), bias: new Float32Array(2) }]), /wrong size/);
});
