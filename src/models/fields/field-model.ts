/**
 * One-vs-rest logistic regression over sparse binary field features (field-vectorizer.ts): the part of
 * a catalogue model that reads `type`, `country`, `rating`, `duration`, ... Its logits are added to a
 * text model's in logit space (catalogue-model.ts).
 *
 * Trained with Adam on binary cross-entropy, L2 on the weights, and lazy updates of the rows a batch
 * touches (as fastText and PyTorch's SparseAdam do); each epoch leaves out every field of every
 * training title with probability `fieldDropout`, so that titles with missing fields are scored well;
 * early stopping on validation log-loss keeps the best epoch. The loss's positive and negative terms may
 * be weighed per genre (`classWeighting`, class-weights.ts) so that rare genres are learned too; the
 * bias starts at the weighted prior log-odds and early stopping uses the same weighted loss. Plain typed arrays: the model is a few
 * thousand rows of 42 numbers, tfjs would only add overhead.
 */
import { z } from 'zod';
import { createRng } from '../../util/random.js';
import { classWeights, type ClassWeighting, type ClassWeights } from '../class-weights.js';

export const FieldModelSchema = z.object({
  features: z.number().int().nonnegative(),
  genres: z.number().int().positive(),
  /** features x genres, row-major. */
  weights: z.array(z.number()),
  bias: z.array(z.number()),
});
export type FieldModelJSON = z.infer<typeof FieldModelSchema>;

export interface FieldModelSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty per weight, added to the mean loss of a batch (decoupled, AdamW style). */
  l2: number;
  /** Probability of leaving out each field of each title in each epoch. */
  fieldDropout: number;
  patience: number;
  /** How each genre's positive and negative terms of the loss are weighed (class-weights.ts). */
  classWeighting: ClassWeighting;
}

/**
 * Chosen on the validation slice of the standard split (all fields, log-loss and fused micro-F1).
 * `classWeighting: 'sqrt'` (session of 2026-11-29): fused with use's and bag's text scores, validation
 * micro / macro-F1 cross-fitted over its two halves went 0.719 / 0.540 -> 0.720 / 0.550 (use) and
 * 0.701 / 0.502 -> 0.702 / 0.511 (bag); `balanced` stopped after 2 epochs and lowered micro-F1
 * (0.704 / 0.543 for use). Then learning rate 0.02 -> 0.005 (60 epochs, patience 5; best epoch ~17-28
 * instead of 3-4), the same cross-fitted measure averaged over field-model seeds 42, 7 and 11: use
 * 0.719 / 0.548 -> 0.725 / 0.546, bag 0.700 / 0.516 -> 0.706 / 0.520 (0.002 and 0.001 were no better).
 */
export const FIELD_MODEL_DEFAULTS: FieldModelSettings = { epochs: 60, batchSize: 32, learningRate: 0.005, l2: 1e-4, fieldDropout: 0.15, patience: 5, classWeighting: 'sqrt' };

export class FieldModel {
  constructor(
    readonly features: number,
    readonly genres: number,
    /** features x genres, row-major. */
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {
    if (weights.length !== features * genres) throw new RangeError(`field model weights: expected ${features * genres} values, got ${weights.length}`);
    if (bias.length !== genres) throw new RangeError(`field model bias: expected ${genres} values, got ${bias.length}`);
  }

  /** Logits, n x genres row-major, for n titles' feature ids. */
  logits(rows: readonly Int32Array[]): Float32Array {
    const k = this.genres;
    const out = new Float32Array(rows.length * k);
    rows.forEach((ids, i) => {
      const o = i * k;
      out.set(this.bias, o);
      for (const f of ids) {
        const w = f * k;
        for (let j = 0; j < k; j++) out[o + j] += this.weights[w + j];
      }
    });
    return out;
  }

  static fromJSON(json: FieldModelJSON): FieldModel {
    return new FieldModel(json.features, json.genres, Float32Array.from(json.weights), Float32Array.from(json.bias));
  }

  toJSON(): FieldModelJSON {
    return { features: this.features, genres: this.genres, weights: Array.from(this.weights), bias: Array.from(this.bias) };
  }
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Mean binary cross-entropy of logits against 0/1 targets (n x k), each term weighed by its genre's class weight. */
function logLoss(logits: Float32Array, targets: Float32Array, weights: ClassWeights): number {
  const k = weights.positive.length;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    const y = targets[i];
    // log(1 + e^-z) = log1p(e^-|z|) + max(-z, 0); log(1 + e^z) = log1p(e^-|z|) + max(z, 0): stable for any z.
    const soft = Math.log1p(Math.exp(-Math.abs(z)));
    sum += y * weights.positive[i % k] * (soft + Math.max(-z, 0)) + (1 - y) * weights.negative[i % k] * (soft + Math.max(z, 0));
  }
  return sum / logits.length;
}

export interface FieldTrainingData {
  /** Feature ids per title for each dropped-field set: `vectorize(i, drop)`. */
  vectorize(row: number, drop: ReadonlySet<string> | undefined): Int32Array;
  rows: number;
  /** n x genres multi-hot. */
  targets: Float32Array;
}

/**
 * Trains the field model.
 *
 * @param fieldNames the fields that dropout may leave out.
 * @returns the model of the epoch with the lowest validation log-loss, and the per-epoch losses.
 */
export function trainFieldModel(
  features: number,
  genres: number,
  train: FieldTrainingData,
  validation: { rows: readonly Int32Array[]; targets: Float32Array },
  fieldNames: readonly string[],
  options: { seed: number; settings?: Partial<FieldModelSettings> },
): { model: FieldModel; history: { epoch: number; validationLoss: number }[]; bestEpoch: number } {
  const s = { ...FIELD_MODEL_DEFAULTS, ...options.settings };
  const k = genres;
  const weighed = classWeights(train.targets, k, s.classWeighting);
  const rng = createRng(options.seed);
  const weights = new Float32Array(features * k);
  const bias = new Float32Array(k);
  // Bias starts at the prior log-odds, so an empty title scores the base rates from the first step.
  for (let j = 0; j < k; j++) {
    let positives = 0;
    for (let i = 0; i < train.rows; i++) positives += train.targets[i * k + j];
    const p = Math.min(Math.max(positives / Math.max(train.rows, 1), 1e-4), 1 - 1e-4);
    bias[j] = Math.log((weighed.positive[j] * p) / (weighed.negative[j] * (1 - p)));
  }
  const m = new Float32Array(features * k);
  const v = new Float32Array(features * k);
  const mb = new Float32Array(k);
  const vb = new Float32Array(k);
  // Adam's step count per row, for lazy bias correction of rows a batch did not touch.
  const steps = new Int32Array(features);
  let biasSteps = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;

  const order = Array.from({ length: train.rows }, (_, i) => i);
  const gradient = new Map<number, Float32Array>();
  const gradBias = new Float32Array(k);
  let best = { loss: Infinity, epoch: 0, weights: weights.slice(), bias: bias.slice() };
  const history: { epoch: number; validationLoss: number }[] = [];
  const scratch = new Float32Array(k);

  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += s.batchSize) {
      const batch = order.slice(start, start + s.batchSize);
      gradient.clear();
      gradBias.fill(0);
      for (const i of batch) {
        const drop = new Set<string>();
        for (const name of fieldNames) if (rng.next() < s.fieldDropout) drop.add(name);
        const ids = train.vectorize(i, drop);
        scratch.set(bias);
        for (const f of ids) for (let j = 0; j < k; j++) scratch[j] += weights[f * k + j];
        for (let j = 0; j < k; j++) {
          // d/dz of w+ * y * -log(p) + w- * (1 - y) * -log(1 - p) = w+ * y * (p - 1) + w- * (1 - y) * p.
          const p = sigmoid(scratch[j]);
          const y = train.targets[i * k + j];
          scratch[j] = (y * weighed.positive[j] * (p - 1) + (1 - y) * weighed.negative[j] * p) / batch.length;
        }
        for (let j = 0; j < k; j++) gradBias[j] += scratch[j];
        for (const f of ids) {
          let g = gradient.get(f);
          if (g === undefined) gradient.set(f, (g = new Float32Array(k)));
          for (let j = 0; j < k; j++) g[j] += scratch[j];
        }
      }
      biasSteps += 1;
      const bc1b = 1 - beta1 ** biasSteps;
      const bc2b = 1 - beta2 ** biasSteps;
      for (let j = 0; j < k; j++) {
        mb[j] = beta1 * mb[j] + (1 - beta1) * gradBias[j];
        vb[j] = beta2 * vb[j] + (1 - beta2) * gradBias[j] * gradBias[j];
        bias[j] -= (s.learningRate * (mb[j] / bc1b)) / (Math.sqrt(vb[j] / bc2b) + eps);
      }
      // Rows in ascending id order: the float sums do not depend on Map insertion order.
      for (const f of [...gradient.keys()].sort((a, b) => a - b)) {
        const g = gradient.get(f)!;
        steps[f] += 1;
        const bc1 = 1 - beta1 ** steps[f];
        const bc2 = 1 - beta2 ** steps[f];
        for (let j = 0; j < k; j++) {
          const o = f * k + j;
          m[o] = beta1 * m[o] + (1 - beta1) * g[j];
          v[o] = beta2 * v[o] + (1 - beta2) * g[j] * g[j];
          weights[o] -= (s.learningRate * (m[o] / bc1)) / (Math.sqrt(v[o] / bc2) + eps) + s.learningRate * s.l2 * weights[o];
        }
      }
    }
    const model = new FieldModel(features, k, weights, bias);
    const loss = validation.rows.length > 0 ? logLoss(model.logits(validation.rows), validation.targets, weighed) : -epoch;
    history.push({ epoch, validationLoss: loss });
    if (loss < best.loss) best = { loss, epoch, weights: weights.slice(), bias: bias.slice() };
    else if (epoch - best.epoch >= s.patience) break;
  }
  return { model: new FieldModel(features, k, best.weights, best.bias), history, bestEpoch: best.epoch };
}
