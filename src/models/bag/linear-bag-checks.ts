/**
 * Checks a `bag` read back in its collapsed linear form (linear.bin) before it scores anything, as
 * weight-checks.ts does for a tfjs network; kept apart from it so that opening a saved bag imports no
 * tfjs (bag-loader.ts).
 */
import type { Vectorizer } from '../vectorizers/vectorizer.js';
import { PlotlineError } from '../../util/errors.js';
import type { LinearBag } from './linear-bag-scorer.js';

/**
 * The checks of weight-checks.ts for a bag saved in its collapsed linear form (linear.bin): every value finite
 * (naming `binFile`), and one row per encoder id, as many as the config's `buckets` + 1 (naming the
 * manifest's `encoder` or `config` field).
 */
export function checkLinearBag(linear: Pick<LinearBag, 'collapsed' | 'idf' | 'bias'>, encoder: Vectorizer, config: { buckets?: number }, binFile: string, manifestFile: string): void {
  for (const [name, values] of [['collapsed', linear.collapsed], ['idf', linear.idf], ['bias', linear.bias]] as const) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new PlotlineError(`the ${name} values hold ${values[i]} at index ${i}; weights must be finite numbers: the model is corrupt`, { file: binFile });
    }
  }
  const rows = linear.idf.length;
  if (rows !== encoder.inputSize) {
    throw new PlotlineError(`the encoder gives ids for ${encoder.inputSize} rows but the saved linear weights have ${rows}: the manifest was edited or does not belong to these weights`, { file: manifestFile, field: 'encoder' });
  }
  if (config.buckets !== undefined && config.buckets + 1 !== rows) {
    throw new PlotlineError(`config buckets ${config.buckets} implies ${config.buckets + 1} rows but the saved linear weights have ${rows}: the manifest was edited or does not belong to these weights`, { file: manifestFile, field: 'config' });
  }
}
