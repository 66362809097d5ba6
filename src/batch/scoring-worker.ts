/**
 * Entry of a scoring worker thread (run by the scoring pool on piscina): starts its own tfjs backend,
 * loads the model, then turns each chunk of texts it is sent into JSON Lines (UTF-8 bytes, moved back
 * without a copy).
 */
import { workerData } from 'piscina';
import { openModel } from '../models/open-model.js';
import { formatPredictionLines } from './format.js';
import { threadTask } from '../util/thread-pool.js';
import type { ScoreRequest, ScoringWorkerData } from './protocol.js';

export default threadTask<ScoringWorkerData, ScoreRequest, Uint8Array>(workerData as ScoringWorkerData, async (data) => {
  const { classifier } = await openModel(data.model, { backend: data.backend, encoder: data.encoder });
  const decide = { thresholds: data.thresholds, topK: data.topK };
  const utf8 = new TextEncoder();
  return async (request) => utf8.encode(await formatPredictionLines(classifier, request.ids, request.texts, { ...decide, fields: request.fields }));
});
