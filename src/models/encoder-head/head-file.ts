/**
 * Reading a saved head (an encoder + head model's model.json + weights.bin, tfjs's layers format as
 * network-files.ts writes it) without tfjs: the topology is parsed here and must be the stack head.ts
 * builds (an InputLayer [null, d], then Dense layers with bias, ReLU but the last, which is sigmoid, with
 * dropout layers (Plotline's seeded or tfjs's) anywhere between, each layer reading the one before), and the
 * weights manifest must list exactly each Dense layer's `<name>/kernel` [inputs, units] and
 * `<name>/bias` [units], float32, which weights.bin must hold byte for byte, every value finite.
 */
import { join } from 'node:path';
import { PlotlineError } from '../../util/errors.js';
import { checkWeightsFinite, readModelJson, readWeightsBin } from '../model-folder.js';
import { DenseHead } from './dense-head.js';
import type { DenseLayer } from './head-scorer.js';

const TOPOLOGY_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const DROPOUT_CLASSES = new Set(['PlotlineSeededDropout', 'Dropout']);

interface LayerJson {
  name?: unknown;
  class_name?: unknown;
  config?: { units?: unknown; activation?: unknown; use_bias?: unknown; batch_input_shape?: unknown };
  inbound_nodes?: unknown;
}
interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
  /** tfjs's quantised weights: not what the head kinds save, and not read here. */
  quantization?: unknown;
}

/**
 * The head saved in `dataDir`, as a DenseHead with `genres` outputs.
 * @throws PlotlineError naming model.json when it is not the Dense/dropout stack above or its weights
 *   manifest does not list exactly those weights, and naming weights.bin when it is missing, of another
 *   size than the manifest describes, or holds a NaN or infinite weight.
 */
export async function readDenseHead(dataDir: string, genres: number): Promise<DenseHead> {
  const file = join(dataDir, TOPOLOGY_FILE);
  const refuse = (why: string): never => {
    throw new PlotlineError(`${why} (expected the tfjs layers of an encoder + head model's head: an InputLayer, then Dense and dropout layers in a chain)`, { file });
  };
  const json = (await readModelJson(file)) as { modelTopology?: { class_name?: unknown; config?: { layers?: unknown } }; weightsManifest?: unknown };
  const topology = json?.modelTopology;
  if (topology === undefined || topology === null || !Array.isArray(json.weightsManifest)) refuse('lacks modelTopology or weightsManifest');
  if (topology!.class_name !== 'Model' && topology!.class_name !== 'Functional') refuse(`modelTopology.class_name is ${JSON.stringify(topology!.class_name)}`);
  const layers = topology!.config?.layers;
  if (!Array.isArray(layers) || layers.length < 2) refuse('modelTopology.config.layers is not a list of at least two layers');
  const list = layers as LayerJson[];

  const input = list[0];
  const shape = input.config?.batch_input_shape;
  if (input.class_name !== 'InputLayer' || !Array.isArray(shape) || shape.length !== 2 || shape[0] !== null || !Number.isInteger(shape[1]) || (shape[1] as number) <= 0) {
    refuse('the first layer is not an InputLayer of shape [null, d]');
  }
  let width = (shape as number[])[1];
  let previous = input.name;
  const dense: Omit<DenseLayer, 'kernel' | 'bias'>[] = [];
  for (const [i, layer] of list.entries()) {
    if (i === 0) continue;
    const where = `layer ${i} (${JSON.stringify(layer?.name)})`;
    if (typeof layer?.name !== 'string') refuse(`${where} has no name`);
    const nodes = layer.inbound_nodes;
    if (!Array.isArray(nodes) || nodes.length !== 1 || !Array.isArray(nodes[0]) || nodes[0].length !== 1 || !Array.isArray(nodes[0][0]) || nodes[0][0][0] !== previous) {
      refuse(`${where} does not read the layer before it, ${JSON.stringify(previous)}`);
    }
    previous = layer.name;
    if (typeof layer.class_name === 'string' && DROPOUT_CLASSES.has(layer.class_name)) continue;
    if (layer.class_name !== 'Dense') refuse(`${where} is of class ${JSON.stringify(layer.class_name)}, not Dense or dropout`);
    const { units, activation, use_bias: useBias } = layer.config ?? {};
    if (!Number.isInteger(units) || (units as number) <= 0) refuse(`${where} has units ${JSON.stringify(units)}`);
    if (typeof activation !== 'string') refuse(`${where} has activation ${JSON.stringify(activation)}`);
    if (useBias !== true) refuse(`${where} has no bias`);
    dense.push({ name: layer.name as string, inputs: width, units: units as number, activation: activation as DenseLayer['activation'] });
    width = units as number;
  }
  if (dense.length === 0) refuse('it has no Dense layer');
  // As head.ts builds it: ReLU hidden layers, a sigmoid per genre last. Another activation would give
  // scores that are not probabilities, which thresholds and the genre rules would read as such.
  dense.forEach((layer, i) => {
    const want = i === dense.length - 1 ? 'sigmoid' : 'relu';
    if (layer.activation !== want) refuse(`layer ${JSON.stringify(layer.name)} has activation ${JSON.stringify(layer.activation)}; a head's ${i === dense.length - 1 ? 'last Dense layer is sigmoid' : 'hidden Dense layers are relu'}`);
  });
  if (width !== genres) throw new PlotlineError(`network has ${width} outputs but the manifest lists ${genres} genres`, { file });

  const groups = json.weightsManifest as { weights?: unknown; paths?: unknown }[];
  if (!groups.every((group) => Array.isArray(group?.paths) && group.paths.length === 1 && group.paths[0] === WEIGHTS_FILE)) {
    refuse(`weightsManifest names files other than ${WEIGHTS_FILE}; a head's weights are one ${WEIGHTS_FILE}`);
  }
  const specs = groups.flatMap((group) => (Array.isArray(group?.weights) ? (group.weights as WeightSpec[]) : refuse('a weightsManifest group has no weights list')));
  const expected = dense.flatMap((l) => [
    { name: `${l.name}/kernel`, shape: [l.inputs, l.units] },
    { name: `${l.name}/bias`, shape: [l.units] },
  ]);
  const offsets = new Map<string, number>();
  let bytes = 0;
  for (const spec of specs) {
    if (typeof spec?.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) refuse('weightsManifest has an entry without a name and shape');
    if ((spec.dtype ?? 'float32') !== 'float32') refuse(`weight "${spec.name}" is ${spec.dtype}, not float32`);
    if (spec.quantization !== undefined) refuse(`weight "${spec.name}" is quantised; a head's weights are plain float32`);
    const want = expected.find((e) => e.name === spec.name);
    if (want === undefined) refuse(`weightsManifest lists "${spec.name}", which is no Dense layer's kernel or bias`);
    if (offsets.has(spec.name)) refuse(`weightsManifest lists "${spec.name}" twice`);
    if (spec.shape.length !== want!.shape.length || spec.shape.some((d, j) => d !== want!.shape[j])) refuse(`weight "${spec.name}" has shape [${spec.shape.join(', ')}], expected [${want!.shape.join(', ')}]`);
    offsets.set(spec.name, bytes);
    bytes += spec.shape.reduce((a, b) => a * b, 1) * 4;
  }
  const missing = expected.filter((e) => !offsets.has(e.name)).map((e) => e.name);
  if (missing.length > 0) refuse(`weightsManifest lacks ${missing.join(', ')}`);

  // Read and checked as the tfjs network reader does (the platform's byte order, as tfjs reads weights.bin).
  const weightsFile = join(dataDir, WEIGHTS_FILE);
  const data = await readWeightsBin(weightsFile, bytes);
  checkWeightsFinite(specs, data, weightsFile);
  const floats = (name: string, count: number): Float32Array => new Float32Array(data, offsets.get(name)!, count);
  return new DenseHead(dense.map((l) => ({ ...l, kernel: floats(`${l.name}/kernel`, l.inputs * l.units), bias: floats(`${l.name}/bias`, l.units) })));
}
