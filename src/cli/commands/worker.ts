/**
 * `plotline worker --queue redis://HOST:PORT --model DIR`: scores shards queued by
 * `plotline predict --input F --output O --queue redis://HOST:PORT` (see src/distributed/). Run any
 * number, on any machines that see the same storage as the coordinator. Prints one JSON line per
 * event (ready, shard started / done / failed) on stdout. SIGTERM / SIGINT: stop taking shards, finish
 * the one being scored, exit 0 (a second signal kills at once; the shard then goes to another worker).
 */
import { startShardWorker } from '../../distributed/shard-worker.js';
import { parseRedisUrl } from '../../distributed/redis-connection.js';
import type { EncoderLocationOptions } from '../options.js';
import type { BackendName } from '../../engine/backend.js';

export interface WorkerCommandOptions extends EncoderLocationOptions {
  queue: string;
  queueName?: string;
  model: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  backend: BackendName;
}

export async function workerCommand(options: WorkerCommandOptions): Promise<void> {
  const url = parseRedisUrl(options.queue);
  const worker = await startShardWorker({
    queue: url,
    queueName: options.queueName,
    model: options.model,
    backend: options.backend,
    encoder: { override: options.encoder, allowDownload: options.allowDownload },
    concurrency: options.concurrency,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
    log: (event) => process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n'),
  });
  const onSignal = (signal: NodeJS.Signals) => {
    process.stdout.write(JSON.stringify({ time: new Date().toISOString(), event: 'stopping', worker: worker.name, signal }) + '\n');
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`plotline: worker shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
