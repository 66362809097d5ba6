/**
 * An encoder + head model's head as an ONNX graph: the Dense layers of src/models/encoder-head/head.ts
 * in order (hidden layers with ReLU, then the genre layer with a sigmoid); dropout is the identity at
 * inference and is left out. Input `embedding` float [batch, encoder dimension], the frozen encoder's
 * sentence vector (pooled and normalised as the side file says).
 * The encoder itself is not in the graph: a USE graph or a BERT-family ONNX file is run before it.
 */
import * as tf from '@tensorflow/tfjs';
import { FLOAT, type OnnxGraph } from '../util/onnx-graph.js';
import { PlotlineError } from '../util/errors.js';

/**
 * Adds a head network to `g` with graph input `embedding`; returns the name of its probabilities
 * [batch, genres]. Throws PlotlineError on a layer or activation it does not know.
 */
export function addHead(g: OnnxGraph, network: tf.LayersModel): string {
  const inputDim = network.inputs[0].shape[1] as number;
  let x = g.input('embedding', FLOAT, ['batch', inputDim]);
  let width = inputDim;
  const dense = network.layers.filter((layer) => layer.getClassName() === 'Dense');
  for (const layer of network.layers) {
    const type = layer.getClassName();
    if (type === 'InputLayer' || type.toLowerCase().includes('dropout')) continue;
    if (type !== 'Dense') throw new PlotlineError(`cannot export head layer "${layer.name}" of type ${type} to ONNX (only Dense and dropout)`);
    const [kernel, bias] = layer.getWeights();
    const units = kernel.shape[1] as number;
    const activation = (layer.getConfig() as { activation?: string }).activation;
    const affine = g.op('Add', [g.op('MatMul', [x, g.float(`${layer.name}.kernel`, [width, units], kernel.dataSync() as Float32Array)]), g.float(`${layer.name}.bias`, [units], bias.dataSync() as Float32Array)]);
    if (activation === 'relu') x = g.op('Relu', [affine]);
    else if (activation === 'sigmoid') x = g.op('Sigmoid', [affine]);
    else if (activation === 'linear') x = affine;
    else throw new PlotlineError(`cannot export activation "${activation}" of head layer "${layer.name}" to ONNX (relu, sigmoid, linear)`);
    width = units;
  }
  if (dense.length === 0) throw new PlotlineError('cannot export a head without Dense layers');
  return x;
}
