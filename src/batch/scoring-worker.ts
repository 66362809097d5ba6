/**
 * Entry of a scoring worker thread: starts its own tfjs backend, loads the model, then turns each
 * chunk of texts it is sent into JSON Lines (UTF-8 bytes, transferred back without a copy).
 */
import { useBackend } from '../engine/backend.js';
import { loadModel } from '../models/storage.js';
import { formatPredictionLines } from './format.js';
import { serveWorkerTasks } from '../util/worker-tasks.js';
import type { ScoreRequest, ScoringWorkerData } from './protocol.js';

await serveWorkerTasks<ScoringWorkerData, ScoreRequest, Uint8Array>(async (data) => {
  await useBackend(data.backend);
  const { classifier } = await loadModel(data.model, { encoder: { ...data.encoder, backend: data.backend } });
  const decide = { thresholds: data.thresholds, topK: data.topK };
  const utf8 = new TextEncoder();
  return async (request) => {
    const lines = utf8.encode(await formatPredictionLines(classifier, request.ids, request.texts, { ...decide, fields: request.fields }));
    return { result: lines, transfer: [lines.buffer as ArrayBuffer] };
  };
});
