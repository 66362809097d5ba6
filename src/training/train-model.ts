/**
 * Trains any trainable model kind by name (the registry, ../models/kinds.ts): a from-scratch kind
 * directly, an encoder + head kind after opening its pretrained encoder and the embedding cache. The one
 * entry point `plotline train` and `plotline compare` share.
 */
import { TRAINABLE_KIND_NAMES, findKind } from '../models/kinds.js';
import type { SavableModel } from '../models/storage.js';
import { openEncoder, type OpenEncoderOptions } from '../encoders/open-encoder.js';
import { EmbeddingCache } from '../encoders/embedding-cache.js';
import { PlotlineError } from '../util/errors.js';
import { checkSplitSizes } from './split-sizes.js';
import { trainClassifier, type LabelledTexts, type TrainClassifierOptions, type TrainedClassifier } from './train-classifier.js';
import { trainEncoderHead, type TrainedEncoderHead } from './train-encoder-head.js';

export interface TrainModelOptions extends TrainClassifierOptions {
  /** Encoder + head kinds: which encoder (`--encoder`) and how to open it. */
  encoder?: OpenEncoderOptions & { spec?: string };
  /** Folder of the embedding cache; null: no cache. */
  cacheDir?: string | null;
  onEmbed?: (done: number, total: number) => void;
  /** Cache problems (unreadable, not writable): the run goes on without it. */
  onWarning?: (message: string) => void;
}

export type TrainedModel = TrainedClassifier<SavableModel> & Partial<Pick<TrainedEncoderHead, 'embedding'>>;

/**
 * Trains `options.kind` on `train`, early-stopping and tuning thresholds on `validation`. Throws a
 * PlotlineError for an unknown kind or an empty training fold / validation slice (see fold-sizes.ts);
 * a validation slice of only a few titles is trained on with a warning through `onWarning`.
 */
export async function trainModel(genres: readonly string[], train: LabelledTexts, validation: LabelledTexts, options: TrainModelOptions): Promise<TrainedModel> {
  const warning = checkSplitSizes({ train: train.texts.length, validation: validation.texts.length });
  if (warning !== null) options.onWarning?.(warning);
  const kind = findKind(options.kind);
  if (kind === undefined || kind.family === 'ensemble') throw new PlotlineError(`unknown model kind "${options.kind}": expected one of ${TRAINABLE_KIND_NAMES.join(', ')}`);
  if (kind.family === 'scratch') return trainClassifier(genres, train, validation, options);
  const encoder = await openEncoder(kind.encoderType, options.encoder?.spec, options.encoder);
  try {
    let cache: EmbeddingCache | null = null;
    if (options.cacheDir !== null && options.cacheDir !== undefined) {
      cache = await EmbeddingCache.open(options.cacheDir, encoder.id, encoder.dimension);
      if (cache.warning !== null) options.onWarning?.(cache.warning);
    }
    return await trainEncoderHead(genres, train, validation, { ...options, encoder, cache });
  } catch (error) {
    await encoder.dispose();
    throw error;
  }
}
