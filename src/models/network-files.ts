/**
 * A tfjs network as a model folder's data files: `model.json` (the tfjs layers topology and weight
 * manifest, tfjs's own format) and `weights.bin` (the float32 weights). Every network a kind keeps this
 * way (cnn, bilstm, the heads of use and onnx, bag folders saved before its collapsed form) is written
 * and read here; reading checks the files before a weight is used.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PlotlineError } from '../util/errors.js';
import { writeFileDurably } from '../util/atomic-write.js';
import { checkWeightsFinite, readModelJson, readWeightsBin } from './model-folder.js';
// Importing the layers registers their classes for deserialisation.
import './layers/conv-pool.js';
import './layers/seeded-dropout.js';
import './layers/masked-max-pool.js';
import './layers/weighted-mean.js';

const TOPOLOGY_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Writes `network` into `dataDir` (a fresh version folder) as model.json + weights.bin, each fsynced. */
export async function writeNetwork(network: tf.LayersModel, dataDir: string): Promise<void> {
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData === undefined ? new Uint8Array() : new Uint8Array(tf.io.concatenateArrayBuffers([artifacts.weightData].flat()));
      const topology = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFileDurably(join(dataDir, WEIGHTS_FILE), weights);
      await writeFileDurably(join(dataDir, TOPOLOGY_FILE), JSON.stringify(topology));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/**
 * Reads the network in `dataDir` and checks it: the topology has a weight manifest, weights.bin holds
 * exactly the bytes it describes, every weight is finite, tfjs can build it, and it has `genres`
 * outputs. Throws a PlotlineError naming the file at fault.
 */
export async function readNetwork(dataDir: string, genres: number): Promise<tf.LayersModel> {
  const topologyFile = join(dataDir, TOPOLOGY_FILE);
  const topology = (await readModelJson(topologyFile)) as { modelTopology?: object; weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[] };
  if (topology.modelTopology === undefined || !Array.isArray(topology.weightsManifest)) {
    throw new PlotlineError('lacks modelTopology or weightsManifest (expected a tfjs layers model)', { file: topologyFile });
  }
  const weightsFile = join(dataDir, WEIGHTS_FILE);
  const weightSpecs = topology.weightsManifest.flatMap((group) => group.weights);
  const expectedBytes = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const weightData = await readWeightsBin(weightsFile, expectedBytes);
  checkWeightsFinite(weightSpecs, weightData, weightsFile);
  let network: tf.LayersModel;
  try {
    network = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: withZeroInitializers(topology.modelTopology), weightSpecs, weightData }));
  } catch (error) {
    throw new PlotlineError(`cannot be loaded as a network: ${(error as Error).message}`, { file: topologyFile });
  }
  const outputs = network.outputs[0].shape[1];
  if (outputs !== genres) {
    network.dispose();
    throw new PlotlineError(`network has ${outputs} outputs but the manifest lists ${genres} genres`, { file: topologyFile });
  }
  return network;
}

/** Weights of a network's trainable or frozen variables, counted. */
export function weightCount(weights: readonly { shape: readonly (number | null)[] }[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/**
 * The topology with every layer initializer replaced by zeros, for loading: the saved weights overwrite
 * every variable anyway, and tfjs's Orthogonal initializer (the LSTMs' recurrent kernels) otherwise
 * warns "Orthogonal initializer is being called on a matrix with more than 2000 elements: Slowness may
 * result" once per LSTM direction and spends the time of a QR decomposition on values thrown away.
 * `topology` is not changed.
 */
export function withZeroInitializers(topology: object): object {
  return JSON.parse(JSON.stringify(topology), (key, value: unknown) =>
    key.endsWith('_initializer') && value !== null && typeof value === 'object' && 'class_name' in value ? { class_name: 'Zeros', config: {} } : value,
  ) as object;
}
