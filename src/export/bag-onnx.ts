/**
 * `bag` as an ONNX graph, in the linear form Plotline itself predicts with (see
 * src/models/inference/linear-bag-scorer.ts): everything between the embedding lookup and the sigmoid
 * is linear, so the table T = (embedding x output kernel), each row scaled by its id's idf weight, is
 * stored once (buckets + 1 rows x genres) and
 *   scores = sigmoid( sum_i T[id_i] / max(norm, 1e-6) + bias ),
 *   norm = sqrt(sum_i idf[id_i]^2) for l2 normalisation, sum_i idf[id_i] for sum.
 * Input `ids` int64 [batch, length], the hashed n-gram ids of each text padded with 0 (idf 0, a zero
 * row: padding changes nothing).
 */
import * as tf from '@tensorflow/tfjs';
import { IDF_LAYER } from '../models/bag.js';
import { INT64, type OnnxGraph } from './onnx-graph.js';

/**
 * Adds a trained bag network (`normalisation` from its config) to `g` with graph input `ids`; returns
 * the name of its probabilities [batch, genres].
 */
export function addBag(g: OnnxGraph, network: tf.LayersModel, normalisation: 'sum' | 'l2'): string {
  const [kernel, bias] = network.getLayer('genres').getWeights();
  const k = kernel.shape[1] as number;
  const product = tf.matMul(network.getLayer('embedding').getWeights()[0], kernel);
  const table = Float32Array.from(product.dataSync() as Float32Array);
  product.dispose();
  const idf = Float32Array.from(network.getLayer(IDF_LAYER).getWeights()[0].dataSync() as Float32Array);
  for (let id = 0; id < idf.length; id++) {
    for (let g = 0; g < k; g++) table[id * k + g] *= idf[id];
  }
  const rows = idf.length;

  const ids = g.input('ids', INT64, ['batch', 'length']);
  const axis1 = g.int64('axis_1', [1], [1]);
  const summed = g.op('ReduceSum', [g.op('Gather', [g.float('table', [rows, k], table), ids], { axis: 0 }), axis1], { keepdims: 0 });
  const weights = g.op('Gather', [g.float('idf', [rows], idf), ids], { axis: 0 });
  const norm = normalisation === 'l2'
    ? g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [weights, weights]), axis1], { keepdims: 1 })])
    : g.op('ReduceSum', [weights, axis1], { keepdims: 1 });
  const denominator = g.op('Max', [norm, g.float('epsilon', [], [1e-6])]);
  const logits = g.op('Add', [g.op('Div', [summed, denominator]), g.float('bias', [k], bias.dataSync() as Float32Array)]);
  return g.op('Sigmoid', [logits]);
}
