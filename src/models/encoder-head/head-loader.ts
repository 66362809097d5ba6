/**
 * Opening a saved encoder + head model (kinds `use` and `onnx`) without tfjs: the manifest's head config
 * validated, the head read as a DenseHead (head-file.ts), the encoder it references reopened and
 * checked (its files' sha256, its dimension against the head's), and the embedding cache opened when
 * asked. kind-loaders.ts imports this file when such a model is opened; kinds.ts's entries load with it too.
 */
import { join } from 'node:path';
import { decodeManifestField } from '../manifest.js';
import type { LoadContext } from '../kind-families.js';
import { reopenEncoder } from '../../encoders/open-encoder.js';
import type { EncoderReference } from '../../encoders/sentence-encoder.js';
import { EmbeddingCache } from '../../encoders/embedding-cache.js';
import { PlotlineError } from '../../util/errors.js';
import { HeadConfig } from './head-config.js';
import { readDenseHead } from './head-file.js';
import { EncoderHeadClassifier } from './encoder-head-classifier.js';

/**
 * The encoder + head model of a verified model folder (storage.ts's `loadModel` context).
 * @throws PlotlineError naming the manifest's `config` or `encoder` field when either is invalid or the
 *   encoder cannot be opened or differs, naming model.json when the head is not a Dense/dropout stack
 *   or reads another width than the encoder gives, and naming weights.bin when it is corrupt.
 */
export async function loadEncoderHead({ dataDir, manifest, manifestFile, encoder: encoderOptions, embeddingCache, onWarning }: LoadContext): Promise<EncoderHeadClassifier> {
  const head = await readDenseHead(dataDir, manifest.genres.length);
  decodeManifestField(() => HeadConfig.parse(manifest.config), manifestFile, 'config');
  const encoder = await reopenEncoder(manifest.encoder as EncoderReference, manifestFile, encoderOptions);
  if (head.inputs !== encoder.dimension) {
    await encoder.dispose();
    throw new PlotlineError(`head reads ${head.inputs} values but the encoder gives ${encoder.dimension}`, { file: join(dataDir, 'model.json') });
  }
  let cache: EmbeddingCache | null = null;
  if (embeddingCache !== null) {
    try {
      cache = await EmbeddingCache.open(embeddingCache, encoder.id, encoder.dimension);
    } catch (error) {
      await encoder.dispose();
      throw error;
    }
    if (cache.warning !== null) onWarning?.(cache.warning);
  }
  return new EncoderHeadClassifier(encoder, head, manifest.genres, manifest.thresholds, cache);
}
