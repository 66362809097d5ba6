/**
 * Ensembles in `compare`: a weighted mean of member models' probabilities. Two members' weight is
 * tuned on validation (micro-F1 at the best global threshold, on a 0.05 grid); more members are
 * weighted equally, since a grid over several weights would fit the ~700 validation rows too closely.
 */
import { tuneGlobalThreshold } from '../evaluation/thresholds.js';
import { averageScores } from '../models/ensemble/ensemble-model.js';

export { averageScores };

export function tuneEnsembleWeights(validation: readonly Float32Array[], targets: Float32Array, k: number): number[] {
  if (validation.length !== 2) return validation.map(() => 1 / validation.length);
  let best = { weight: 0.5, microF1: -1 };
  for (let step = 0; step <= 20; step++) {
    const weight = step / 20;
    const { microF1 } = tuneGlobalThreshold(targets, averageScores(validation, [weight, 1 - weight]), k);
    // Ties go to the weight nearest an even mix.
    if (microF1 > best.microF1 || (microF1 === best.microF1 && Math.abs(weight - 0.5) < Math.abs(best.weight - 0.5))) best = { weight, microF1 };
  }
  return [best.weight, 1 - best.weight];
}
