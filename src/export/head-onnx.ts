/**
 * An encoder + head model's head as an ONNX graph: the Dense layers of src/models/encoder-head/head.ts
 * in order (hidden layers with ReLU, then the genre layer with a sigmoid); dropout is the identity at
 * inference and is left out. Input `embedding` float [batch, encoder dimension], the frozen encoder's
 * sentence vector (pooled and normalised as the side file says).
 * The encoder itself is not in the graph: a USE graph or a BERT-family ONNX file is run before it.
 */
import { FLOAT, type OnnxGraph } from '../util/onnx-graph.js';
import { PlotlineError } from '../util/errors.js';
import type { DenseLayer } from '../models/encoder-head/head-scorer.js';

/**
 * Adds a head, as its Dense layers in order (HeadScorer.denseLayers: dropout already left out), to `g`
 * with graph input `embedding`; returns the name of its probabilities [batch, genres]. Imports no tfjs.
 * Throws PlotlineError on an empty head or an activation it does not know.
 */
export function addHead(g: OnnxGraph, layers: readonly DenseLayer[]): string {
  if (layers.length === 0) throw new PlotlineError('cannot export a head without Dense layers');
  let width = layers[0].inputs;
  let x = g.input('embedding', FLOAT, ['batch', width]);
  for (const layer of layers) {
    const { units, activation } = layer;
    const affine = g.op('Add', [g.op('MatMul', [x, g.float(`${layer.name}.kernel`, [width, units], layer.kernel)]), g.float(`${layer.name}.bias`, [units], layer.bias)]);
    if (activation === 'relu') x = g.op('Relu', [affine]);
    else if (activation === 'sigmoid') x = g.op('Sigmoid', [affine]);
    else if (activation === 'linear') x = affine;
    else throw new PlotlineError(`cannot export activation "${activation as string}" of head layer "${layer.name}" to ONNX (relu, sigmoid, linear)`);
    width = units;
  }
  return x;
}
