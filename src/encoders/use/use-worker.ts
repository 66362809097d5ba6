/** Entry of a Universal Sentence Encoder worker thread (piscina): its own tfjs backend and copy of the graph. */
import { workerData } from 'piscina';
import { useBackend, type BackendName } from '../../engine/backend.js';
import { threadTask } from '../../util/thread-pool.js';
import { UseEmbedder } from './use-embedder.js';

export interface UseWorkerData {
  dir: string;
  backend: BackendName;
}

export default threadTask<UseWorkerData, string[], Float32Array>(workerData as UseWorkerData, async (data) => {
  await useBackend(data.backend);
  const embedder = await UseEmbedder.load(data.dir);
  return (texts) => embedder.embed(texts);
});
