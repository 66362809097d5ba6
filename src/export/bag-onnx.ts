/**
 * `bag` as an ONNX graph, in the collapsed linear form Plotline saves and predicts with (see
 * src/models/bag/linear-bag-scorer.ts): everything between the embedding lookup and the sigmoid
 * is linear, so the table T = (embedding x output kernel), each row scaled by its id's idf weight, is
 * stored once (buckets + 1 rows x genres) and
 *   scores = sigmoid( sum_i T[id_i] / max(norm, 1e-6) + bias ),
 *   norm = sqrt(sum_i idf[id_i]^2) for l2 normalisation, sum_i idf[id_i] for sum.
 * Input `ids` int64 [batch, length], the hashed n-gram ids of each text padded with 0 (idf 0, a zero
 * row: padding changes nothing). An int8 folder's weights are exported as loaded (dequantised).
 */
import type { LinearBag } from '../models/bag/linear-bag-scorer.js';
import { INT64, type OnnxGraph } from '../util/onnx-graph.js';

/** Adds a collapsed bag to `g` with graph input `ids`; returns the name of its probabilities [batch, genres]. */
export function addBag(g: OnnxGraph, linear: LinearBag): string {
  const k = linear.bias.length;
  const rows = linear.idf.length;
  const ids = g.input('ids', INT64, ['batch', 'length']);
  const axis1 = g.int64('axis_1', [1], [1]);
  const summed = g.op('ReduceSum', [g.op('Gather', [g.float('table', [rows, k], linear.collapsed), ids], { axis: 0 }), axis1], { keepdims: 0 });
  const weights = g.op('Gather', [g.float('idf', [rows], linear.idf), ids], { axis: 0 });
  const norm = linear.normalisation === 'l2'
    ? g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [weights, weights]), axis1], { keepdims: 1 })])
    : g.op('ReduceSum', [weights, axis1], { keepdims: 1 });
  const denominator = g.op('Max', [norm, g.float('epsilon', [], [1e-6])]);
  const logits = g.op('Add', [g.op('Div', [summed, denominator]), g.float('bias', [k], linear.bias)]);
  return g.op('Sigmoid', [logits]);
}
