/**
 * Entry of a scoring worker thread (run by the scoring pool on piscina, ../util/thread-pool.ts): turns
 * each chunk of texts it is sent into JSON Lines (UTF-8 bytes, moved back without a copy), or reads,
 * scores and writes a slice of a CSV file it is sent as bytes (score-slice.ts). A `bag` handed over by
 * the main thread (protocol.ts, SharedLinearBag) is scored as is; any other model is opened here, on
 * the worker's own tfjs backend. Modules that pull in tfjs are imported only on that second path.
 */
import { workerData } from 'piscina';
import { formatWith, scoreSlice } from './score-slice.js';
import { threadTask } from '../util/thread-pool.js';
import { importLazily } from '../util/import-lazily.js';
import { LinearBagModel } from '../models/bag/linear-bag-model.js';
import { NgramVectorizer } from '../models/vectorizers/ngram-vectorizer.js';
import type { GenreModel } from '../models/genre-model.js';
import type { ScoreRequest, ScoringWorkerData, SliceRequest, SliceResult } from './protocol.js';

export default threadTask<ScoringWorkerData, ScoreRequest | SliceRequest, Uint8Array | SliceResult>(workerData as ScoringWorkerData, async (data) => {
  let classifier: GenreModel;
  if (data.linearBag !== undefined) {
    const { linear, encoder, genres, thresholds, rules } = data.linearBag;
    classifier = new LinearBagModel(new NgramVectorizer(encoder.options, encoder.maxLength), linear, genres, thresholds);
    classifier.rules = rules;
  } else {
    const { openModel } = await importLazily(() => import('../models/open-model.js'), '../models/open-model.js', import.meta.url);
    classifier = (await openModel(data.model, { backend: data.backend, encoder: data.encoder, embeddingCache: data.embeddingCache })).classifier;
  }
  const decide = { thresholds: data.thresholds, topK: data.topK, scores: data.scores };
  const format = formatWith(classifier, decide);
  return (request) => ('slice' in request ? scoreSlice(request, format) : format(request.ids, request.texts, request.fields));
});
