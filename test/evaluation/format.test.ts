import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMetricsTable } from '../../src/evaluation/format.js';
import { computeMetrics } from '../../src/evaluation/metrics.js';

// Example B from metrics.test.ts: micro F1 2/3, macro F1 3/8, macro AUC 3/4; supports a 2, b 2, c 1, d 0.
const metrics = computeMetrics(
  new Float32Array([1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0]),
  new Float32Array([0.9, 0.6, 0.4, 0.1, 0.2, 0.8, 0.2, 0.1, 0.7, 0.4, 0.4, 0.1]),
  new Uint8Array([1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]),
  ['a', 'b', 'c', 'd'],
);

test('summary has 3-decimal aligned values and no per-genre table by default', () => {
  const text = formatMetricsTable(metrics);
  const lines = text.split('\n');
  assert.match(text, /^items\s+3$/m);
  assert.match(text, /^micro F1\s+0\.667$/m);
  assert.match(text, /^macro F1\s+0\.375$/m);
  assert.match(text, /^macro F1 \(supported\)\s+0\.500$/m);
  assert.match(text, /^macro ROC-AUC\s+0\.750$/m);
  assert.match(text, /^hamming loss\s+0\.250$/m);
  assert.ok(!text.includes('support '));
  // Right-aligned values: every line ends at the same column.
  assert.equal(new Set(lines.map((l) => l.length)).size, 1);
});

test('per-genre table is sorted by support (name breaks ties) with "-" for undefined AUC', () => {
  const text = formatMetricsTable(metrics, { perGenre: true });
  const table = text.split('\n\n')[1].split('\n');
  assert.match(table[0], /^genre\s+support\s+predicted\s+precision\s+recall\s+f1\s+auc$/);
  assert.deepEqual(table.slice(1).map((l) => l.split(/\s+/)[0]), ['a', 'b', 'c', 'd']);
  assert.deepEqual(table[2].split(/\s+/), ['b', '2', '2', '0.500', '0.500', '0.500', '0.500']);
  assert.deepEqual(table[4].split(/\s+/), ['d', '0', '0', '0.000', '0.000', '0.000', '-']);
  assert.equal(new Set(table.map((l) => l.length)).size, 1);
});
