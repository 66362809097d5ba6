/** Entry of a Universal Sentence Encoder worker thread: its own tfjs backend and copy of the graph. */
import { useBackend, type BackendName } from '../../engine/backend.js';
import { serveWorkerTasks } from '../../util/worker-tasks.js';
import { UseEmbedder } from './use-embedder.js';

export interface UseWorkerData {
  dir: string;
  backend: BackendName;
}

await serveWorkerTasks<UseWorkerData, string[], Float32Array>(async (data) => {
  await useBackend(data.backend);
  const embedder = await UseEmbedder.load(data.dir);
  return async (texts) => {
    const vectors = await embedder.embed(texts);
    return { result: vectors, transfer: [vectors.buffer as ArrayBuffer] };
  };
});
