/**
 * Entry of a scoring worker thread: turns each chunk of texts it is sent into JSON Lines (UTF-8 bytes,
 * transferred back without a copy). A `bag` handed over by the main thread (protocol.ts,
 * SharedLinearBag) is scored as is; any other model is loaded here, on the worker's own tfjs backend.
 * Modules that pull in tfjs are imported only on that second path.
 */
import { formatPredictionBytes } from './format.js';
import { serveWorkerTasks } from '../util/worker-tasks.js';
import { LinearBagModel } from '../models/inference/linear-bag-model.js';
import { NgramEncoder } from '../models/inputs/ngram-encoder.js';
import type { GenreModel } from '../models/genre-model.js';
import type { ScoreRequest, ScoringWorkerData } from './protocol.js';

await serveWorkerTasks<ScoringWorkerData, ScoreRequest, Uint8Array>(async (data) => {
  let classifier: GenreModel;
  if (data.linearBag !== undefined) {
    const { linear, encoder, genres, thresholds, rules } = data.linearBag;
    classifier = new LinearBagModel(new NgramEncoder(encoder.options, encoder.maxLength), linear, genres, thresholds);
    classifier.rules = rules;
  } else {
    const { useBackend } = await import('../engine/backend.js');
    const { loadModel } = await import('../models/storage.js');
    await useBackend(data.backend);
    classifier = (await loadModel(data.model, { encoder: { ...data.encoder, backend: data.backend }, embeddingCache: data.embeddingCache })).classifier;
  }
  const decide = { thresholds: data.thresholds, topK: data.topK };
  return async (request) => {
    const lines = await formatPredictionBytes(classifier, request.ids, request.texts, { ...decide, fields: request.fields });
    return { result: lines, transfer: [lines.buffer as ArrayBuffer] };
  };
});
