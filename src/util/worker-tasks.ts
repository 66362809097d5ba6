/**
 * The worker-thread side of WorkerPool: set up once from `workerData`, then answer each task with a
 * result (and the buffers to transfer rather than copy). Tasks run one after another in arrival order,
 * which is what a worker holding one tfjs backend wants.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError, type TaskMessage, type WorkerMessage } from './worker-pool.js';

export type TaskHandler<Task, Result> = (task: Task) => Promise<{ result: Result; transfer?: ArrayBuffer[] }>;

export async function serveWorkerTasks<Data, Task, Result>(setup: (data: Data) => Promise<TaskHandler<Task, Result>>): Promise<void> {
  if (parentPort === null) throw new Error('this module is a worker thread entry; start it through WorkerPool');
  const port = parentPort;
  const post = (message: WorkerMessage<Result>, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  let handle: TaskHandler<Task, Result>;
  try {
    handle = await setup(workerData as Data);
  } catch (error) {
    post({ type: 'failed', error: serializeError(error) });
    return;
  }
  let queue = Promise.resolve();
  port.on('message', (message: TaskMessage<Task>) => {
    queue = queue.then(async () => {
      try {
        const { result, transfer } = await handle(message.task);
        post({ type: 'done', id: message.id, result }, transfer);
      } catch (error) {
        post({ type: 'error', id: message.id, error: serializeError(error) });
      }
    });
  });
  post({ type: 'ready' });
}
