/**
 * Checks a loaded network against what it must be before it scores anything: the shapes the
 * manifest's config and text encoder imply equal to the shapes of the saved weights (an edited
 * `buckets` would otherwise hash words to rows the embedding does not have, or ignore half of it).
 * That every weight is a finite number is checked as weights.bin is read (model-folder.ts
 * `checkWeightsFinite`, also for heads read without tfjs).
 */
import * as tf from '@tensorflow/tfjs';
import type { Vectorizer } from './vectorizers/vectorizer.js';
import { PlotlineError } from '../util/errors.js';

/**
 * Builds the network `kind` makes from `config`, `encoder` and `numLabels` (with throw-away weights)
 * and compares its weight shapes, in order, with `network`'s. Throws a PlotlineError naming the
 * manifest's `config`/`encoder` field at the first difference. Costs one build of the network
 * (allocating its weights once more, freed at once).
 */
export function checkWeightShapes(
  kind: { build(config: any, encoder: Vectorizer, encodedTrain: readonly Int32Array[], numLabels: number, seed: number): tf.LayersModel },
  config: unknown, encoder: Vectorizer, numLabels: number, network: tf.LayersModel, manifestFile: string): void {
  const saved = network.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
  let expected: { name: string; shape: number[] }[];
  let built: tf.LayersModel | undefined;
  tf.tidy(() => {
    built = kind.build(config, encoder, [], numLabels, 0); // its weights are variables: tidy keeps them
  });
  const fresh = built as tf.LayersModel;
  try {
    expected = fresh.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
  } finally {
    fresh.dispose();
  }
  const describe = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
  // The text encoder's ids index every embedding table: its size must be the tables' row count.
  for (const layer of network.layers) {
    if (layer.getClassName() !== 'Embedding') continue;
    const rows = (layer.getConfig() as { inputDim?: number }).inputDim;
    if (rows !== undefined && rows !== encoder.inputSize) {
      throw new PlotlineError(
        `the encoder gives ids for ${encoder.inputSize} rows but the saved embedding "${layer.name}" has ${rows}: the manifest was edited or does not belong to these weights`,
        { file: manifestFile, field: 'encoder' },
      );
    }
  }
  if (expected.length !== saved.length) {
    throw new PlotlineError(`config and encoder describe a network with ${expected.length} weights, the saved one has ${saved.length}: the manifest does not belong to these weights`, { file: manifestFile, field: 'config' });
  }
  for (let i = 0; i < saved.length; i++) {
    if (describe(saved[i].shape) !== describe(expected[i].shape)) {
      throw new PlotlineError(
        `config and encoder (e.g. encoder input size ${encoder.inputSize}) give weight "${saved[i].name}" the shape ${describe(expected[i].shape)}, but the saved weight is ${describe(saved[i].shape)}: the manifest was edited or does not belong to these weights`,
        { file: manifestFile, field: 'config' },
      );
    }
  }
}

// A bag saved in its collapsed linear form is checked by bag/linear-bag-checks.ts (no tfjs there).
