/**
 * `--config` problems in one line a user can act on, instead of zod's JSON dump: the unknown keys by
 * name (and, for word vectors on a kind without words, which kinds take them), then each other issue
 * as `key: message`.
 */
import type { z } from 'zod';

/** Keys `--word-vectors` and `--freeze-embeddings` put into `--config`. */
const WORD_VECTOR_KEYS = new Set(['wordVectors', 'freezeEmbeddings']);

/**
 * @param kind the model kind the config was for (e.g. "bag").
 * @param error zod's rejection of the config.
 */
export function configProblem(kind: string, error: z.ZodError): string {
  const parts: string[] = [];
  for (const issue of error.issues) {
    const where = issue.path.length === 0 ? '' : `"${issue.path.join('.')}": `;
    if (issue.code === 'unrecognized_keys') {
      const vectors = issue.keys.filter((key) => WORD_VECTOR_KEYS.has(key));
      const others = issue.keys.filter((key) => !WORD_VECTOR_KEYS.has(key));
      if (vectors.length > 0) parts.push(`--word-vectors and --freeze-embeddings are for the word models cnn and bilstm, not --model ${kind}`);
      if (others.length > 0) parts.push(`${where}${others.map((key) => `"${key}"`).join(', ')} ${others.length === 1 ? 'is not a setting' : 'are not settings'} of --model ${kind}`);
    } else parts.push(`${where}${issue.message}`);
  }
  // Word vectors come from their own flags, not --config: said alone, without "--config".
  if (parts.length === 1 && parts[0].startsWith('--word-vectors')) return parts[0];
  return `invalid --config for --model ${kind}: ${parts.join('; ')}`;
}
