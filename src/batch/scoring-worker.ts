/**
 * Entry of a scoring worker thread (run by the scoring pool on piscina, ../util/thread-pool.ts): turns
 * each chunk of texts it is sent into JSON Lines (UTF-8 bytes, moved back without a copy), or reads,
 * scores and writes a slice of a CSV file it is sent as bytes (score-slice.ts). A `bag` handed over by
 * the main thread (protocol.ts, SharedLinearBag: in the worker data, or with each request when the pool
 * starts before the bag is loaded) is scored as is; any other model is opened here, on the worker's own
 * tfjs backend. Modules that pull in tfjs are imported only on that second path.
 */
import { workerData } from 'piscina';
import { formatWith, scoreSlice, type SliceFormatter } from './score-slice.js';
import { threadTask } from '../util/thread-pool.js';
import { importLazily } from '../util/import-lazily.js';
import { LinearBagModel } from '../models/bag/linear-bag-model.js';
import { NgramVectorizer } from '../models/vectorizers/ngram-vectorizer.js';
import type { GenreModel } from '../models/genre-model.js';
import type { ScoreRequest, ScoringWorkerData, SharedLinearBag, SliceRequest, SliceResult } from './protocol.js';

/** The bag the main thread loaded, as a model on this thread (its weights are the shared memory). */
function sharedBag({ linear, encoder, genres, thresholds, rules }: SharedLinearBag): GenreModel {
  const classifier = new LinearBagModel(new NgramVectorizer(encoder.options, encoder.maxLength), linear, genres, thresholds);
  classifier.rules = rules;
  return classifier;
}

export default threadTask<ScoringWorkerData, ScoreRequest | SliceRequest, Uint8Array | SliceResult>(workerData as ScoringWorkerData, async (data) => {
  const decide = { thresholds: data.thresholds, topK: data.topK, scores: data.scores };
  const open = async (): Promise<GenreModel> => {
    const { openModel } = await importLazily(() => import('../models/open-model.js'), '../models/open-model.js', import.meta.url);
    // A saved bag with a field model scores without tfjs too: no backend for it (startBackend 'if-needed').
    return (await openModel(data.model, { backend: data.backend, startBackend: 'if-needed', encoder: data.encoder, embeddingCache: data.embeddingCache })).classifier;
  };
  const score = (request: ScoreRequest | SliceRequest, format: SliceFormatter) =>
    'slice' in request ? scoreSlice(request, format) : format(request.ids, request.texts, request.fields);
  if (data.bagInRequests === true) {
    // Ready at once; the model is the first request's bag (every request carries the same one).
    let format: Promise<SliceFormatter> | null = null;
    return async (request) => {
      format ??= (request.linearBag !== undefined ? Promise.resolve(sharedBag(request.linearBag)) : open()).then((model) => formatWith(model, decide));
      return score(request, await format);
    };
  }
  const format = formatWith(data.linearBag !== undefined ? sharedBag(data.linearBag) : await open(), decide);
  return (request) => score(request, format);
});
