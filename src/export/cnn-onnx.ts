/**
 * `cnn` as an ONNX graph, the same maths as src/models/layers/conv-pool.ts: word embeddings (a multichannel
 * cnn's trained and frozen rows side by side), zeroed at
 * padding (id 0), padded with max(width) - 1 zero rows at the end; each position's window of the next
 * max(width) rows concatenated; for each width, ReLU(window[:width] x kernel + bias), zeroed at
 * padding, max over time; the pooled features of all widths concatenated; sigmoid(x W + b). Dropout is
 * the identity at inference. Input `ids` int64 [batch, length], word ids padded with 0 to at least
 * the encoder's minLength.
 */
import * as tf from '@tensorflow/tfjs';
import { FLOAT, INT64, type OnnxGraph } from '../util/onnx-graph.js';

const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** Adds a trained cnn network to `g` with graph input `ids`; returns the name of its probabilities [batch, genres]. */
export function addCnn(g: OnnxGraph, network: tf.LayersModel): string {
  // A multichannel cnn concatenates each word's trained and frozen rows: gathering from the two tables
  // side by side ([vocab, 2 x dim]) is the same as concatenating the two gathers.
  const tables = ['embedding', 'embedding_static'].filter((name) => network.layers.some((l) => l.name === name)).map((name) => network.getLayer(name).getWeights()[0]);
  const table = tables.length === 1 ? tables[0] : tf.concat(tables, 1);
  const [vocab, dim] = table.shape as [number, number];
  const convPool = network.getLayer('conv_pool');
  const { widths, filters } = convPool.getConfig() as { widths: number[]; filters: number };
  const convWeights = convPool.getWeights(); // kernels of each width, then biases, widths ascending
  const [kernel, bias] = network.getLayer('genres').getWeights();
  const k = kernel.shape[1] as number;
  const maxWidth = Math.max(...widths);

  const ids = g.input('ids', INT64, ['batch', 'length']);
  const mask = g.op('Unsqueeze', [g.op('Cast', [g.op('Not', [g.op('Equal', [ids, g.int64('zero', [], [0])])])], { to: FLOAT }), g.int64('axis_2', [1], [2])]);
  const embedded = g.op('Mul', [g.op('Gather', [g.float('embedding', [vocab, dim], table.dataSync() as Float32Array), ids], { axis: 0 }), mask]);
  if (tables.length > 1) table.dispose();
  const padded = g.op('Pad', [embedded, g.int64('time_padding', [6], [0, 0, 0, 0, maxWidth - 1, 0])]);
  const axis1 = g.int64('axis_1', [1], [1]);
  // Shift s: rows s .. s + length of the padded sequence (length + maxWidth - 1 rows).
  const shifted = Array.from({ length: maxWidth }, (_, s) => {
    const end = s === maxWidth - 1 ? INT64_MAX : -(maxWidth - 1 - s);
    return g.op('Slice', [padded, g.int64(`shift_${s}_start`, [1], [s]), g.int64(`shift_${s}_end`, [1], [end]), axis1]);
  });
  const windows = shifted.length === 1 ? shifted[0] : g.op('Concat', shifted, { axis: 2 });
  const pooled = widths.map((width, i) => {
    const cols = width === maxWidth ? windows : g.op('Slice', [windows, g.int64(`cols_${width}_start`, [1], [0]), g.int64(`cols_${width}_end`, [1], [width * dim]), g.int64(`cols_${width}_axis`, [1], [2])]);
    const activated = g.op('Relu', [g.op('Add', [g.op('MatMul', [cols, g.float(`kernel_w${width}`, [width * dim, filters], convWeights[i].dataSync() as Float32Array)]), g.float(`bias_w${width}`, [filters], convWeights[widths.length + i].dataSync() as Float32Array)])]);
    return g.op('ReduceMax', [g.op('Mul', [activated, mask])], { axes: [1], keepdims: 0 });
  });
  const features = pooled.length === 1 ? pooled[0] : g.op('Concat', pooled, { axis: 1 });
  const logits = g.op('Add', [g.op('MatMul', [features, g.float('genres.kernel', [widths.length * filters, k], kernel.dataSync() as Float32Array)]), g.float('genres.bias', [k], bias.dataSync() as Float32Array)]);
  return g.op('Sigmoid', [logits]);
}
