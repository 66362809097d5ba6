/**
 * A guard around ONNX Runtime's first session in a process whose command line is long.
 *
 * Measured 2026-11-30 with onnxruntime-node 1.30.0 on Linux x64: creating the first InferenceSession
 * in a process whose command line (/proc/self/cmdline) holds more than ~30,000 bytes (e.g. `plotline
 * predict --model M "<a 32,000-character description>"`) recurses inside libonnxruntime about three
 * frames per byte of it and overflows the main thread's 8 MB stack: a segmentation fault, no message.
 * Later sessions do not recurse (the runtime's environment is made once per process). So when the
 * command line is long, the environment is made first by a throw-away session in a worker thread whose
 * stack is sized for it; the caller's own sessions then open on any thread.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { FLOAT, OnnxGraph } from '../util/onnx-graph.js';

/** Command lines up to this many bytes are left alone: ~30,000 crashed, 25,000 did not (8 MB stack). */
const SAFE_COMMAND_LINE_BYTES = 16_384;

/** Stack per byte of command line for the worker: ~280 bytes were measured (8 MB at ~30,000 bytes); 4x that. */
const STACK_BYTES_PER_COMMAND_LINE_BYTE = 1024;

let prepared: Promise<void> | null = null;

/** The length of this process's command line in bytes, or 0 where /proc is not there (not Linux). */
export function commandLineBytes(): number {
  try {
    return readFileSync('/proc/self/cmdline').length;
  } catch {
    return 0;
  }
}

/**
 * Call (and await) before the first `InferenceSession.create` of the process, directly or through
 * transformers.js. Resolves at once when the command line is short; otherwise opens a one-node session
 * in a worker thread with a stack of 1 KB per command-line byte (plus 16 MB), once per process.
 * @throws Error when that session fails (the message of ONNX Runtime's error).
 */
export function prepareOnnxRuntime(bytes = commandLineBytes()): Promise<void> {
  if (bytes <= SAFE_COMMAND_LINE_BYTES) return Promise.resolve();
  prepared ??= new Promise<void>((resolve, reject) => {
    const g = new OnnxGraph();
    g.op('Relu', [g.input('x', FLOAT, [1])], {}, 'y');
    g.output('y', FLOAT, [1]);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const ort = require(workerData.ort);
       ort.InferenceSession.create(workerData.model)
         .then((session) => session.release())
         .then(() => parentPort.postMessage(null), (error) => parentPort.postMessage(String(error && error.message || error)));`,
      {
        eval: true,
        workerData: { ort: createRequire(import.meta.url).resolve('onnxruntime-node'), model: g.encode('prepare', 'makes the runtime environment') },
        resourceLimits: { stackSizeMb: Math.ceil((bytes * STACK_BYTES_PER_COMMAND_LINE_BYTE) / 2 ** 20) + 16 },
      },
    );
    worker.once('message', (error: string | null) => {
      void worker.terminate();
      if (error === null) resolve();
      else reject(new Error(`ONNX Runtime could not start: ${error}`));
    });
    worker.once('error', (error) => reject(error));
  });
  return prepared;
}
