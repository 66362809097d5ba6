import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/engine/backend.js';
import { BilstmConfig, buildBilstm } from '../../src/models/bilstm.js';
import { readNetwork, withZeroInitializers, writeNetwork } from '../../src/models/network-files.js';

before(async () => {
  await useBackend('wasm');
});

test('a saved bilstm loads with its weights and without the Orthogonal initializer\'s warnings', async () => {
  // 32 units: recurrent kernels of 32 x 128 > 2000 elements, where tfjs's Orthogonal initializer warns.
  const network = buildBilstm(BilstmConfig.parse({ units: 32 }), 20, 4, 7);
  const input = tf.tensor2d([[3, 7, 2, 0], [1, 4, 9, 11]], undefined, 'int32');
  const dir = await mkdtemp(join(tmpdir(), 'plotline-network-'));
  const warnings: string[] = [];
  const warn = console.warn;
  try {
    const before = (network.predict(input) as tf.Tensor).arraySync();
    await writeNetwork(network, dir);
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    const loaded = await readNetwork(dir, 4);
    console.warn = warn;
    assert.deepEqual((loaded.predict(input) as tf.Tensor).arraySync(), before);
    loaded.dispose();
    assert.deepEqual(warnings.filter((w) => /Orthogonal/.test(w)), []);
  } finally {
    console.warn = warn;
    network.dispose();
    input.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

test('withZeroInitializers replaces every initializer and leaves the rest (and its argument) alone', () => {
  const topology = { config: { layers: [{ class_name: 'LSTM', config: { units: 3, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1 } }, kernel_initializer: { class_name: 'VarianceScaling', config: {} } } }] } };
  const copy = JSON.parse(JSON.stringify(topology));
  const zeroed = withZeroInitializers(topology) as typeof topology;
  assert.deepEqual(topology, copy);
  const layer = zeroed.config.layers[0].config;
  assert.deepEqual(layer.recurrent_initializer, { class_name: 'Zeros', config: {} });
  assert.deepEqual(layer.kernel_initializer, { class_name: 'Zeros', config: {} });
  assert.equal(layer.units, 3);
});
