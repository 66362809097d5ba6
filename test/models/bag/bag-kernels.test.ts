/**
 * The bag's WebAssembly SIMD kernels: the embedded binary is the compiled .wat, and each kernel computes
 * what its JavaScript reference (float64 sums) does, to float32 precision.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BagKernels } from '../../../src/models/bag/bag-kernels.js';
import { BAG_KERNELS_WASM } from '../../../src/models/bag/bag-kernels-wasm.js';
import { compileBagKernels } from '../../../scripts/compile-bag-kernels.js';
import { createRng } from '../../../src/util/random.js';

const DIM = 48;
const ROWS = 20;

function setUp(moments: boolean) {
  const rng = createRng(3);
  const kernels = new BagKernels(ROWS, DIM, moments);
  for (let i = 0; i < kernels.table.length; i++) kernels.table[i] = rng.next() - 0.5;
  for (let i = 0; i < kernels.moments.length; i++) kernels.moments[i] = i % (2 * DIM) < DIM ? rng.next() - 0.5 : rng.next();
  // Five (row, weight) pairs, a row used twice; values: 3 "texts" of DIM floats.
  const rows = [4, 0, 19, 4, 7];
  kernels.ensureScratch(rows.length, 3 * DIM);
  rows.forEach((row, i) => {
    kernels.offsets[i] = row * DIM;
    kernels.weights[i] = rng.next() * 2 - 1;
  });
  for (let i = 0; i < 3 * DIM; i++) kernels.values[i] = rng.next() - 0.5;
  return { kernels, rows };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-5 * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

test('bag-kernels-wasm.ts is bag-kernels.wat compiled (rebuild with npm run build:kernels)', async () => {
  const wat = readFileSync(new URL('../../../src/models/bag/bag-kernels.wat', import.meta.url), 'utf8');
  assert.equal(Buffer.from(await compileBagKernels(wat)).toString('base64'), BAG_KERNELS_WASM);
});

test('pool: the weighted sum of table rows', () => {
  const { kernels, rows } = setUp(false);
  const expected = new Float64Array(DIM);
  rows.forEach((row, i) => {
    for (let d = 0; d < DIM; d++) expected[d] += kernels.weights[i] * kernels.table[row * DIM + d];
  });
  kernels.kernels.pool(kernels.offsetsAt, kernels.weightsAt, rows.length, 0, DIM, kernels.valuesAt + 4 * DIM);
  assertClose(kernels.values.subarray(DIM, 2 * DIM), expected, 'pooled');
});

test('adamRow: the row gradient over texts, then tfjs Adam on that row only; sgdRow: row += scale x gradient', () => {
  for (const which of ['adam', 'sgd'] as const) {
    const { kernels } = setUp(which === 'adam');
    // Row 9's gradient: pairs 1-3 name texts 0, 2, 1 (offsets into values), with their weights.
    const texts = [0, 2, 1];
    texts.forEach((t, i) => (kernels.offsets[1 + i] = t * DIM));
    const gradient = new Float64Array(DIM);
    texts.forEach((t, i) => {
      for (let d = 0; d < DIM; d++) gradient[d] += kernels.weights[1 + i] * kernels.values[t * DIM + d];
    });
    const row = 9 * DIM;
    const before = kernels.table.slice(row, row + DIM);
    const m = kernels.moments.slice(2 * row, 2 * row + DIM);
    const v = which === 'adam' ? kernels.moments.slice(2 * row + DIM, 2 * row + 2 * DIM) : new Float32Array(DIM);
    const [stepSize, invC2, scale] = [0.004 / (1 - 0.9 ** 3), 1 / (1 - 0.999 ** 3), -0.7];
    const expected = Array.from(before, (p, d) => {
      if (which === 'sgd') return p + scale * gradient[d];
      const m1 = 0.9 * m[d] + 0.1 * gradient[d];
      const v1 = 0.999 * v[d] + 0.001 * gradient[d] ** 2;
      return p - (stepSize * m1) / (Math.sqrt(v1 * invC2) + 1e-7);
    });
    const untouched = kernels.table.slice();
    if (which === 'adam') kernels.kernels.adamRow(kernels.offsetsAt + 4, kernels.weightsAt + 4, 3, kernels.valuesAt, DIM, 4 * row, kernels.momentsAt + 8 * row, stepSize, invC2);
    else kernels.kernels.sgdRow(kernels.offsetsAt + 4, kernels.weightsAt + 4, 3, kernels.valuesAt, DIM, 4 * row, scale);
    assertClose(kernels.table.subarray(row, row + DIM), expected, `${which} row`);
    for (let i = 0; i < untouched.length; i++) if (i < row || i >= row + DIM) assert.equal(kernels.table[i], untouched[i], `${which}: table[${i}] changed`);
    if (which === 'adam') assertClose(kernels.moments.subarray(2 * row, 2 * row + DIM), Array.from(m, (x, d) => 0.9 * x + 0.1 * gradient[d]), 'first moments');
  }
});

test('the table keeps its values when the scratch grows, and a width that is not a multiple of 16 is refused', () => {
  const { kernels } = setUp(true);
  const table = kernels.table.slice();
  kernels.ensureScratch(1_000_000, 5_000_000);
  assert.deepEqual(kernels.table, table);
  assert.throws(() => new BagKernels(4, 6, false), /multiple of 16, got 6/);
});
