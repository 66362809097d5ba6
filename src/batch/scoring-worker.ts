/**
 * Entry of a scoring worker thread: starts its own tfjs backend, loads the model, then turns each
 * chunk of texts it is sent into JSON Lines (UTF-8 bytes, transferred back without a copy). Chunks are
 * handled one at a time in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend } from '../engine/backend.js';
import { loadModel } from '../models/storage.js';
import { formatPredictionLines } from './format.js';
import { serializeError, type ScoreRequest, type ScoringWorkerData, type WorkerMessage } from './protocol.js';

if (parentPort === null) throw new Error('scoring-worker is a worker thread entry; start it through ScoringPool');
const port = parentPort;
const data = workerData as ScoringWorkerData;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

try {
  await useBackend(data.backend);
  const { classifier } = await loadModel(data.model);
  const decide = { thresholds: data.thresholds, topK: data.topK };
  const utf8 = new TextEncoder();
  port.on('message', async (request: ScoreRequest) => {
    try {
      const lines = utf8.encode(await formatPredictionLines(classifier, request.ids, request.texts, decide));
      post({ type: 'scored', task: request.task, lines }, [lines.buffer as ArrayBuffer]);
    } catch (error) {
      post({ type: 'error', task: request.task, error: serializeError(error) });
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', error: serializeError(error) });
}
