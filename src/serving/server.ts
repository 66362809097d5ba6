/**
 * Runs the app on a socket. It listens before the model is loaded (so /healthz answers and /readyz
 * says 503 while loading), then waits for the model; if loading fails it closes and rejects, so the
 * command exits non-zero instead of serving nothing.
 *
 * SIGTERM / SIGINT shut down gracefully: /readyz turns 503 at once (a load balancer takes this replica
 * out), every route keeps answering for `drainDelayMs` (requests the balancer sent before it noticed),
 * then stop accepting connections, let requests in flight finish
 * (they may be waiting on the micro-batcher: drain it), close, then exit 0. The wait is bounded by
 * `shutdownDeadline` (default 10 s): past it, every request still unanswered gets 503
 * `shutdown_deadline` and every socket is closed (a client uploading one byte every 10 s included).
 * The handlers are installed with `once`, so a second signal gets Node's default behaviour.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { answerInFlightAndDisconnect, buildApp, type AppOptions } from './app.js';
import { PlotlineError } from '../util/errors.js';

/** Default `shutdownDeadline`, ms. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

export interface ServerOptions extends AppOptions {
  port: number;
  host: string;
  /** Install the SIGTERM/SIGINT handlers that shut down and exit (default true; tests call shutdown). */
  handleSignals?: boolean;
  /**
   * How long, in ms, to keep serving after shutdown begins with /readyz already 503 (default 0). Set
   * it to the balancer's readiness-check period (Kubernetes: periodSeconds x failureThreshold).
   */
  drainDelayMs?: number;
  /** ms that shutdown waits for requests in flight before answering them 503 and closing sockets (default 10000). */
  shutdownDeadline?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  address: string;
  port: number;
  /** Readiness 503, the drain delay, then stops accepting, finishes in-flight requests (503 past the deadline), drains the batcher and closes. Idempotent. */
  shutdown(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = await buildApp(options);
  let closing: Promise<void> | null = null;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      app.plotline.draining = true;
      if ((options.drainDelayMs ?? 0) > 0) await sleep(options.drainDelayMs);
      // close() stops the listener, waits for open requests to be answered, then runs the onClose
      // hook, which drains the batcher (already empty by then, unless a request was abandoned). Past
      // the deadline the requests still open are answered 503 and their sockets closed.
      const deadline = setTimeout(() => {
        app.log.warn({ unanswered: app.plotline.inFlight.size }, 'shutdown deadline passed: answering 503 and closing connections');
        answerInFlightAndDisconnect(app);
      }, options.shutdownDeadline ?? DEFAULT_SHUTDOWN_DEADLINE_MS);
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
      }
    })();
    return closing;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    shutdown().then(
      () => {
        app.log.info('shut down');
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  let address: string;
  try {
    address = await app.listen({ port: options.port, host: options.host }); // Fastify logs "Server listening at ..."
  } catch (error) {
    if (handleSignals) {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    await app.close().catch(() => {});
    throw listenError(error, options.host, options.port);
  }
  const port = (app.server.address() as { port: number }).port;
  try {
    await app.plotline.ready;
  } catch (error) {
    if (handleSignals) {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    await shutdown();
    throw error;
  }
  if (app.plotline.model === null) {
    // Shut down by a signal while the model was loading; the signal handler exits the process.
    await shutdown();
  }
  return { app, address, port, shutdown };
}

/** Why the socket could not be opened, as a PlotlineError naming the address (no stack trace for a busy port). */
function listenError(error: unknown, host: string, port: number): PlotlineError {
  const code = (error as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EADDRINUSE: 'the port is in use; choose another --port (0: any free port)',
    EACCES: 'permission denied; ports below 1024 need privileges, choose another --port',
    EADDRNOTAVAIL: 'this machine has no such address; check --host',
    ENOTFOUND: 'unknown host name; check --host',
    ERR_SOCKET_BAD_PORT: 'expected a --port from 0 to 65535',
  };
  const reason = code !== undefined && why[code] !== undefined ? `${code}: ${why[code]}` : (error as Error).message;
  return new PlotlineError(`cannot listen on ${host}:${port} (${reason})`);
}
