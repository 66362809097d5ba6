/**
 * `plotline serve`: the HTTP API (and the web page) over a saved model. Logs go to stdout as JSON
 * lines (pino), one per request, without description texts. The process runs until SIGTERM/SIGINT,
 * then finishes the requests in flight and exits 0 (see src/serving/server.ts).
 */
import { startServer } from '../../serving/server.js';
import { readManifest } from '../../models/storage.js';
import type { EncoderLocationOptions } from '../options.js';
import type { BackendName } from '../../engine/backend.js';

export interface ServeCommandOptions extends EncoderLocationOptions {
  model: string;
  port: number;
  host: string;
  maxBatch: number;
  maxWaitMs: number;
  maxTextLength: number;
  maxTexts: number;
  bodyLimit: number;
  maxExplainTexts: number;
  maxExplainWords: number;
  scoringThreads: number;
  maxQueue: number;
  requestTimeout: number;
  headersTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  maxConnections: number;
  shutdownDeadline: number;
  logLevel: string;
  backend: BackendName;
  drainDelayMs: number;
}

export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  // A missing folder or a bad manifest is one `error:` line before anything listens or logs; a model
  // that fails later while loading is logged (without a stack for such input errors) and rethrown.
  await readManifest(options.model);
  // Resolves once listening with the model loaded; the open socket keeps the process alive after.
  await startServer({
    modelDir: options.model,
    port: options.port,
    host: options.host,
    maxBatch: options.maxBatch,
    maxWaitMs: options.maxWaitMs,
    maxTextLength: options.maxTextLength,
    maxTexts: options.maxTexts,
    bodyLimit: options.bodyLimit,
    maxExplainTexts: options.maxExplainTexts,
    maxExplainWords: options.maxExplainWords,
    scoringThreads: options.scoringThreads,
    maxQueue: options.maxQueue,
    requestTimeout: options.requestTimeout,
    headersTimeout: options.headersTimeout,
    connectionTimeout: options.connectionTimeout,
    keepAliveTimeout: options.keepAliveTimeout,
    maxConnections: options.maxConnections,
    shutdownDeadline: options.shutdownDeadline,
    backend: options.backend,
    encoder: { override: options.encoder, allowDownload: options.allowDownload },
    logger: { level: options.logLevel },
    drainDelayMs: options.drainDelayMs,
  });
}
