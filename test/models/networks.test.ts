import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/engine/backend.js';
import { BilstmConfig, buildBilstm } from '../../src/models/bilstm.js';
import { CnnConfig, buildCnn } from '../../src/models/cnn.js';
import { BagConfig, buildBag, IDF_LAYER } from '../../src/models/bag.js';
import { MODEL_KINDS, MODEL_KIND_NAMES } from '../../src/models/kinds.js';

before(async () => {
  await useBackend('wasm');
});

test('bilstm at the write-up vocabulary (853 ids) and 42 genres has exactly 45,618 parameters', () => {
  // Embedding(853, 8)                      853 * 8                              =  6,824
  // BiLSTM(32) over 8 inputs: 2 directions x 4 gates x (32 x (8 + 32) + 32)   = 2 x 4 x 1,312 = 10,496
  // BiLSTM(32) over 64 inputs: 2 x 4 x (32 x (64 + 32) + 32)                  = 2 x 4 x 3,104 = 24,832
  // Dense(32) over 64:                     64 * 32 + 32                          =  2,080
  // Dense(42, sigmoid) over 32:            32 * 42 + 42                          =  1,386
  //                                                                         total = 45,618
  const config = BilstmConfig.parse({});
  assert.deepEqual({ embeddingDim: config.embeddingDim, units: config.units, denseUnits: config.denseUnits }, { embeddingDim: 8, units: 32, denseUnits: 32 });
  const model = buildBilstm(config, 853, 42, 1);
  assert.equal(6824 + 10496 + 24832 + 2080 + 1386, 45618);
  assert.equal(model.countParams(), 45618);
  model.dispose();
});

function randomIds(rows: number, cols: number, vocab: number, seed: number): tf.Tensor2D {
  let state = seed;
  const ids: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      // The last row is half padding.
      row.push(r === rows - 1 && c >= cols / 2 ? 0 : 1 + (state % (vocab - 1)));
    }
    ids.push(row);
  }
  return tf.tensor2d(ids, [rows, cols], 'int32');
}

function assertProbabilities(model: tf.LayersModel, ids: tf.Tensor2D, numLabels: number): void {
  const out = model.predict(ids) as tf.Tensor;
  assert.deepEqual(out.shape, [ids.shape[0], numLabels]);
  for (const v of out.dataSync()) assert.ok(v > 0 && v < 1 && Number.isFinite(v), `${v} is a probability in (0, 1)`);
}

test('cnn builds and outputs [n, numLabels] probabilities in (0, 1)', () => {
  const config = CnnConfig.parse({ embeddingDim: 6, widths: [2, 3], filters: 5 });
  const model = buildCnn(config, 30, 4, 1);
  // embedding 30*6 + conv (2*6*5 + 5) + (3*6*5 + 5) + dense 10*4 + 4
  assert.equal(model.countParams(), 180 + 65 + 95 + 44);
  assertProbabilities(model, randomIds(5, 6, 30, 1), 4);
  model.dispose();
});

test('bag builds and outputs [n, numLabels] probabilities in (0, 1)', () => {
  const config = BagConfig.parse({ buckets: 512, embeddingDim: 6 });
  const model = buildBag(config, 3, 1, null);
  // idf column 513*1 (frozen) + embedding 513*6 + dense 6*3 + 3
  assert.equal(model.countParams(), 513 + 513 * 6 + 21);
  assert.equal(model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a! * b!, 1)!, 0), 513 * 6 + 21);
  assertProbabilities(model, randomIds(4, 9, 513, 2), 3);
  model.dispose();
});

test('bilstm (tiny) outputs [n, numLabels] probabilities in (0, 1)', () => {
  const model = buildBilstm(BilstmConfig.parse({ embeddingDim: 4, units: 3, denseUnits: 4 }), 20, 3, 1);
  assertProbabilities(model, randomIds(3, 5, 20, 3), 3);
  model.dispose();
});

const TINY_CONFIGS: Record<string, Record<string, unknown>> = {
  cnn: { embeddingDim: 4, widths: [2, 3], filters: 3, minCount: 1 },
  bilstm: { embeddingDim: 4, units: 3, denseUnits: 4, minCount: 1 },
  bag: { buckets: 512, embeddingDim: 4 },
};

const TEXTS = [
  'a detective hunts a killer in the rain',
  'two friends fall in love in paris',
  'a killer robot from the future',
  'friends plan a wedding in the rain',
];

test('every model kind is covered here', () => {
  assert.deepEqual([...MODEL_KIND_NAMES].sort(), Object.keys(TINY_CONFIGS).sort());
});

for (const name of MODEL_KIND_NAMES) {
  test(`${name}: the same seed gives identical initial weights, another seed different ones`, () => {
    const kind = MODEL_KINDS[name];
    const config = kind.config.parse(TINY_CONFIGS[name] ?? {});
    const encoder = kind.fitEncoder(TEXTS, config);
    const encoded = TEXTS.map((t) => encoder.encode(t));
    const weightsOf = (seed: number) => {
      const model = kind.build(config, encoder, encoded, 3, seed);
      const values = model.weights.map((w) => ({ name: w.name, values: Array.from(w.read().dataSync()) }));
      model.dispose();
      return values;
    };
    const a = weightsOf(7);
    const b = weightsOf(7);
    const c = weightsOf(8);
    assert.ok(a.length > 0);
    assert.deepEqual(b.map((w) => w.values), a.map((w) => w.values));
    // Every randomly initialised tensor differs with the seed (biases start at constants, e.g. an LSTM's
    // forget gate at 1; bag's idf column is data).
    const random = a.filter((w) => !w.name.startsWith(`${IDF_LAYER}/`) && !w.name.endsWith('/bias') && !w.values.every((v) => v === w.values[0]));
    assert.ok(random.length >= 2, `${name} has randomly initialised weights`);
    for (const [i, w] of a.entries()) {
      if (!random.includes(w)) continue;
      assert.notDeepEqual(c[i].values, w.values, `${name} weight ${i} (${w.name}) changes with the seed`);
    }
  });
}

test('cnn config rejects duplicate widths and a maxLength shorter than the widest convolution', () => {
  const schema = MODEL_KINDS.cnn.config;
  const duplicate = schema.safeParse({ widths: [3, 3] });
  assert.equal(duplicate.success, false);
  assert.deepEqual(duplicate.error?.issues[0].path, ['widths']);
  const short = schema.safeParse({ maxLength: 3 });
  assert.equal(short.success, false);
  assert.deepEqual(short.error?.issues[0].path, ['maxLength']);
  assert.equal(schema.safeParse({ widths: [2, 3], maxLength: 3 }).success, true);
});

test('model configs reject misspelt settings and a char n-gram range whose min exceeds its max', () => {
  for (const name of MODEL_KIND_NAMES) {
    const result = MODEL_KINDS[name].config.safeParse({ filtres: 96 });
    assert.equal(result.success, false, `${name} rejects an unknown key`);
  }
  const reversed = MODEL_KINDS.bag.config.safeParse({ charNgrams: [5, 2] });
  assert.equal(reversed.success, false);
  assert.deepEqual(reversed.error?.issues[0].path, ['charNgrams']);
});
