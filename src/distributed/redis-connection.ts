/**
 * Connections to the Redis server behind the BullMQ queue, from a `redis://HOST:PORT[/DB]` (or
 * `rediss://` for TLS) URL as given to `--queue`. BullMQ needs `maxRetriesPerRequest: null` on the
 * connections its workers block on; ioredis reconnects on its own when Redis restarts.
 */
import { Redis } from 'ioredis';
import { PlotlineError } from '../util/errors.js';

/**
 * Checks a `--queue` value and returns it as a URL. Throws PlotlineError naming the option and the
 * expected form when it is not a redis:// or rediss:// URL with a host.
 */
export function parseRedisUrl(value: string, option = '--queue'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PlotlineError(`${option}: expected a Redis URL like redis://127.0.0.1:6379, got "${value}"`);
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new PlotlineError(`${option}: expected a Redis URL like redis://127.0.0.1:6379 (scheme redis: or rediss:), got "${value}"`);
  }
  return url;
}

/** A new ioredis connection to `url` as BullMQ needs it (it is the caller's to `quit`). */
export function redisConnection(url: URL): Redis {
  const connection = new Redis(url.href, { maxRetriesPerRequest: null });
  // ioredis reports every failed (re)connection as an 'error' event and reconnects; without a listener
  // each one is printed as "Unhandled error event". Callers that must fail use readyWithin.
  connection.on('error', () => {});
  return connection;
}

/** The URL without a password, for messages and logs. */
export function describeRedisUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = '***';
  return shown.href;
}

/**
 * Waits for `ready` (a BullMQ object's `waitUntilReady()`), failing after `timeoutMs` with a
 * PlotlineError that names the URL: ioredis would otherwise retry quietly for ever.
 */
export async function readyWithin<T>(ready: Promise<T>, url: URL, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PlotlineError(`cannot reach Redis at ${describeRedisUrl(url)} within ${timeoutMs / 1000} s (is redis-server running there?)`)), timeoutMs);
  });
  try {
    return await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
