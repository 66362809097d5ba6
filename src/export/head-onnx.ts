/**
 * An encoder + head model's head as an ONNX graph: the Dense layers of src/models/encoder-head/head.ts
 * in order (hidden layers with ReLU, then the genre layer with a sigmoid); dropout is the identity at
 * inference and is left out. Input `embedding` float [batch, encoder dimension], the frozen encoder's
 * sentence vector (pooled and normalised as the side file says); output `scores` float [batch, genres].
 * The encoder itself is not in the graph: a USE graph or a BERT-family ONNX file is run before it.
 */
import * as tf from '@tensorflow/tfjs';
import { FLOAT, OnnxGraph } from './onnx-graph.js';
import { PlotlineError } from '../util/errors.js';

/** The ONNX bytes of a head network. Throws PlotlineError on a layer it does not know. */
export function headToOnnx(network: tf.LayersModel, docString: string): Uint8Array {
  const g = new OnnxGraph();
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
    const last = layer === dense[dense.length - 1];
    if (activation === 'relu') x = g.op('Relu', [affine]);
    else if (activation === 'sigmoid') x = g.op('Sigmoid', [affine], {}, last ? 'scores' : undefined);
    else if (activation === 'linear') x = affine;
    else throw new PlotlineError(`cannot export activation "${activation}" of head layer "${layer.name}" to ONNX (relu, sigmoid, linear)`);
    width = units;
    if (last && x !== 'scores') x = g.op('Identity', [x], {}, 'scores');
  }
  g.output('scores', FLOAT, ['batch', width]);
  return g.encode('plotline_head', docString);
}
