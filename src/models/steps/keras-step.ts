/** The standard update: Keras `trainOnBatch` with Adam over every trainable weight. */
import * as tf from '@tensorflow/tfjs';
import type { StepOptions, TrainingStep } from './training-step.js';

export function kerasStep(network: tf.LayersModel, options: StepOptions): TrainingStep {
  const optimizer = tf.train.adam(options.learningRate);
  network.compile({ optimizer, loss: options.loss });
  let best: tf.Tensor[] | null = null;
  return {
    async trainOnBatch(inputs, rows, cols, targets) {
      const x = tf.tensor2d(inputs, [rows, cols], inputs instanceof Int32Array ? 'int32' : 'float32');
      try {
        return (await network.trainOnBatch(x, targets)) as number;
      } finally {
        x.dispose();
      }
    },
    syncNetwork: () => {},
    keepBest() {
      best?.forEach((w) => w.dispose());
      // clone() shares storage, which is safe: optimizers give a variable new storage (assign) rather
      // than writing into the old one, so the snapshot keeps this epoch's values.
      best = network.getWeights().map((w) => w.clone());
    },
    restoreBest() {
      if (best !== null) network.setWeights(best);
    },
    dispose() {
      best?.forEach((w) => w.dispose());
      best = null;
      optimizer.dispose(); // LayersModel.dispose() leaves an optimizer it was given alone
    },
  };
}
