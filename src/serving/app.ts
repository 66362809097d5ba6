/**
 * The HTTP application: routes, validation, error shape, security headers, request logging and the
 * model's lifecycle. `buildApp` returns at once and loads the model in the background, so a server can
 * listen (and answer /healthz) while a large model loads; /readyz says 503 until it is loaded, and so
 * do the model routes. Scoring and explanations run on scoring threads (scoring-threads.ts) unless
 * `scoringThreads` is 0, so the HTTP thread stays free. Every 4xx/5xx, including Fastify's parser and
 * URL errors and Node's connection-level ones (timeouts, oversized headers), has the one error shape
 * and never echoes the URL. The socket-level limits (time-outs, connection cap) are set on the server
 * object here; `server.ts` listens, handles signals and enforces the shutdown deadline.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import helmet from '@fastify/helmet';
import { modelIdOf } from '../models/model-id.js';
import { MANIFEST_FILE, resolveModelFolder } from '../models/model-folder.js';
import { readFieldChecks, readManifest, type EncoderLocation, type LoadModelOptions, type SavedModel } from '../models/storage.js';
import { openModel } from '../models/open-model.js';
import type { Manifest } from '../models/manifest.js';
import type { GenreModel } from '../models/genre-model.js';
import type { BackendName } from '../engine/backend.js';
import { importLazily } from '../util/import-lazily.js';
import { PLOTLINE_VERSION } from '../version.js';
import { MicroBatcher } from './micro-batcher.js';
import { routeSchemas } from './schemas.js';
import { HttpError, describeError, errorBody, clientErrorResponse, frameworkError } from './errors.js';
import { PlotlineError } from '../util/errors.js';
import { buildPredictions, planPrediction, textCount, type Explainer, type PredictRequest } from './predict.js';
import { explain, ruledScorer } from '../explain/occlusion.js';
import { ScoringThreads } from './scoring-threads.js';
import { ThreadedModel } from './threaded-model.js';
import { DEFAULT_WEB_ROOT, readWebFile } from './static-files.js';

export interface AppOptions {
  /** Model folder from `plotline train --out`. */
  modelDir: string;
  /** Texts per forward pass (default 64). */
  maxBatch?: number;
  /** Longest a request waits for others to share a forward pass (default 2 ms). */
  maxWaitMs?: number;
  /** Longest text accepted, in UTF-16 code units (default 2000). */
  maxTextLength?: number;
  /** Most texts in one request (default 64). */
  maxTexts?: number;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Most texts one request may ask to explain (default 8). */
  maxExplainTexts?: number;
  /** Most words an explained text may have (default 200): occlusion scores words+1 variants of it. */
  maxExplainWords?: number;
  /** Threads that score and explain (default 1, each loads the model); 0 scores on the HTTP thread. */
  scoringThreads?: number;
  /** Scoring tasks that may wait for a thread before requests get 503 overloaded (default 256). */
  maxQueue?: number;
  /** ms to receive a whole request, headers and body, before 408 and closing (default 30000). */
  requestTimeout?: number;
  /** ms to receive the headers (default 10000; at most requestTimeout). */
  headersTimeout?: number;
  /** ms a socket may stay silent before it is closed (default 60000). */
  connectionTimeout?: number;
  /** ms an idle keep-alive connection is kept open (default 5000). */
  keepAliveTimeout?: number;
  /** Open connections at once; more are closed on arrival (default 1024). */
  maxConnections?: number;
  /** Fastify's logger option: false (default), true, or pino options (level, stream, ...). */
  logger?: FastifyServerOptions['logger'];
  /** Folder of the web page (default: the repository's web/). */
  webRoot?: string;
  /** tfjs backend (default wasm), started only for a model that needs tfjs (not a saved bag's collapsed form). */
  backend?: BackendName;
  /** How to load the model (default openModel); tests use it to hold loading back. */
  loader?: (dir: string, options?: LoadModelOptions) => Promise<SavedModel>;
  /** For a use/onnx model: where its pretrained encoder is, if not where it was trained from. */
  encoder?: EncoderLocation;
}

/** The loaded model and what the routes need from it. */
export interface LoadedModel {
  classifier: GenreModel;
  manifest: Manifest;
  /** kind + "-" + first 12 hex digits of sha256(manifest.json): changes whenever the model does. */
  id: string;
  batcher: MicroBatcher;
  /** Explains one text (on a scoring thread, or in process with scoringThreads 0). */
  explainer: Explainer;
}

/** Serving state, reachable as `app.plotline`. */
export interface ServingState {
  /** Settles when loading ends: resolves when the model is loaded, rejects with the reason it is not. */
  ready: Promise<void>;
  model: LoadedModel | null;
  loadError: Error | null;
  /** Set when the server starts closing: new requests get 503. */
  closing: boolean;
  /**
   * Set when shutdown begins, before `closing`: /readyz says 503 so a load balancer stops sending new
   * requests, while every route still answers (the server's drain delay) until it closes.
   */
  draining: boolean;
  /** Requests received and not yet answered (for the shutdown deadline). */
  inFlight: Set<FastifyReply>;
}

declare module 'fastify' {
  interface FastifyInstance {
    plotline: ServingState;
  }
  interface FastifyRequest {
    /** Texts in the request body, for the request log line. */
    plotlineTexts: number;
  }
}

/** Every limit's default (README "Limits and safety" lists them with their flags). */
export const SERVING_DEFAULTS = {
  maxBatch: 64,
  maxWaitMs: 2,
  maxTextLength: 2000,
  maxTexts: 64,
  bodyLimit: 1_048_576,
  maxExplainTexts: 8,
  maxExplainWords: 200,
  scoringThreads: 1,
  maxQueue: 256,
  requestTimeout: 30_000,
  headersTimeout: 10_000,
  connectionTimeout: 60_000,
  keepAliveTimeout: 5_000,
  maxConnections: 1024,
} as const;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const settings = { ...SERVING_DEFAULTS, ...definedOnly(options) };
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: settings.bodyLimit,
    // Slow clients: a whole request (headers + body) must arrive within requestTimeout, the headers
    // within headersTimeout; Node checks every second (its default is every 30 s). A silent socket
    // closes after connectionTimeout, an idle keep-alive one after keepAliveTimeout.
    requestTimeout: settings.requestTimeout,
    connectionTimeout: settings.connectionTimeout,
    keepAliveTimeout: settings.keepAliveTimeout,
    http: { headersTimeout: Math.min(settings.headersTimeout, settings.requestTimeout), requestTimeout: settings.requestTimeout, connectionsCheckingInterval: Math.min(1000, settings.requestTimeout) },
    // Errors Node raises before a request exists (timeouts, malformed HTTP, huge headers) and
    // Fastify's URL errors get the one error shape too, without echoing the URL.
    clientErrorHandler: (error, socket) => clientErrorResponse(error, socket),
    frameworkErrors: (error, request, reply) => {
      const described = frameworkError(error);
      void (reply as FastifyReply).code(described.statusCode).send(described.body);
    },
    // One line per request is logged by the onResponse hook below, with fields chosen not to include
    // any description text; Fastify's own two lines per request are turned off.
    logController: new LogController({ disableRequestLogging: true }),
    // New requests during shutdown get our JSON 503 (onRequest below) rather than Fastify's body.
    return503OnClosing: false,
    ajv: {
      // Strict types: "5" is not a number and 5 is not a string; unknown fields are errors, not dropped.
      // Union types (a field value is a string or a number) are meant, so ajv need not warn about them at start-up.
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true },
    },
  });

  app.server.maxConnections = settings.maxConnections;
  // The API reads JSON only: a text/plain body (which Fastify would parse to a string) is a 415 like any
  // other media type, not a 400 about a string where an object was expected.
  app.removeContentTypeParser('text/plain');
  const state: ServingState = { ready: Promise.resolve(), model: null, loadError: null, closing: false, draining: false, inFlight: new Set() };
  app.decorate('plotline', state);
  app.decorateRequest('plotlineTexts', 0);

  // Security headers on every response (errors included): Content-Security-Policy (the page loads
  // only its own scripts and styles), X-Frame-Options, Referrer-Policy, nosniff, ... (helmet's defaults).
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"], 'style-src': ["'self'"] } },
    frameguard: { action: 'deny' },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Plotline',
        version: PLOTLINE_VERSION,
        description: 'Multi-label genre classification of film and series descriptions. Errors are {"error": {"code", "message"}}.',
      },
    },
  });

  // Routes registered here, to tell a wrong method (405) from an unknown path (404).
  const routes: { url: string; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    routes.push({ url: route.url, methods: ([] as string[]).concat(route.method) });
  });

  app.addHook('onRequest', async (request, reply) => {
    state.inFlight.add(reply);
    if (state.closing) {
      reply.header('connection', 'close');
      return reply.code(503).send(errorBody('shutting_down', 'the server is shutting down; retry on another instance'));
    }
  });

  app.addHook('onSend', async (request, reply) => {
    // A response finished during shutdown closes its keep-alive connection, so close() need not wait
    // for the client to hang up.
    if (state.closing) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    state.inFlight.delete(reply);
    // The path without the query string, and counts and timings only: never a description's text.
    request.log.info(
      {
        method: request.method,
        url: request.url.split('?')[0],
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
        texts: request.plotlineTexts,
      },
      'request',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const described = describeError(error, settings);
    if (described.unexpected) request.log.error({ err: error }, 'request failed');
    return reply.code(described.statusCode).send(described.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = [...new Set(routes.filter((r) => matches(r.url, path)).flatMap((r) => r.methods))];
    // The messages never repeat the URL (it is the client's own input).
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(errorBody('method_not_allowed', `${request.method} is not allowed on this path; use ${allowed.join(' or ')}`));
    }
    return reply.code(404).send(errorBody('not_found', 'no such route; GET /openapi.json lists the API'));
  });

  app.addHook('preClose', async () => {
    state.closing = true;
  });
  app.addHook('onClose', async () => {
    // Requests already waiting for a forward pass are answered before the model goes away.
    if (state.model !== null) {
      await state.model.batcher.drain();
      await state.model.classifier.dispose();
    }
  });

  const requireModel = (): LoadedModel => {
    if (state.model !== null) return state.model;
    if (state.loadError !== null) throw new HttpError(503, 'model_unavailable', 'the model failed to load; see the server log');
    throw new HttpError(503, 'not_ready', 'the model is still loading; retry shortly (GET /readyz says when it is ready)');
  };

  app.post('/v1/predict', { schema: routeSchemas.predict }, async (request) => {
    const body = request.body as PredictRequest;
    request.plotlineTexts = textCount(body);
    const model = requireModel();
    const plan = planPrediction(body, model.classifier, settings);
    const { classifier, batcher } = model;
    const scored = classifier.constrain(await batcher.score(plan.texts, plan.fields), plan.fields, plan.thresholds);
    const predictions = await buildPredictions(classifier, plan, scored, model.explainer);
    return { model: { id: model.id, kind: model.manifest.kind }, predictions, ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}) };
  });

  app.get('/v1/model', { schema: routeSchemas.model }, async () => {
    const { id, manifest } = requireModel();
    return {
      id,
      kind: manifest.kind,
      genres: manifest.genres,
      thresholds: manifest.thresholds,
      metrics: manifest.metrics,
      trainedAt: manifest.training.createdAt,
      trainSeconds: manifest.training.seconds,
      dataSha256: manifest.training.dataSha256,
      versions: manifest.versions,
      fields: manifest.catalogue?.fields ?? [],
      rules: manifest.catalogue?.rules ?? null,
      columns: manifest.catalogue?.columns ?? null,
    };
  });

  app.get('/healthz', { schema: routeSchemas.healthz }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: routeSchemas.readyz }, async () => {
    if (state.draining) throw new HttpError(503, 'draining', 'the server is shutting down; send new requests to another instance');
    requireModel();
    return { status: 'ready' };
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const file = await readWebFile(webRoot, 'index.html');
    return reply.type(file.contentType).send(file.body);
  });

  app.get('/static/*', { schema: { hide: true } }, async (request, reply) => {
    const file = await readWebFile(webRoot, (request.params as { '*': string })['*']);
    return reply.type(file.contentType).send(file.body);
  });

  state.ready = loadInBackground(app, state, options, settings);
  return app;
}

/**
 * Loads the model: on `scoringThreads` threads (the HTTP thread then reads only the manifest), or in
 * process with 0. On failure records why (readyz and the model routes report it) and logs it.
 */
function loadInBackground(app: FastifyInstance, state: ServingState, options: AppOptions, settings: { maxBatch: number; maxWaitMs: number; scoringThreads: number; maxQueue: number }): Promise<void> {
  const load = async (): Promise<void> => {
    const started = performance.now();
    const backend = options.backend ?? 'wasm';
    let classifier: GenreModel;
    let manifest: Manifest;
    let threaded: ThreadedModel | null = null;
    if (settings.scoringThreads > 0 && options.loader === undefined) {
      manifest = await readManifest(options.modelDir);
      // Read before the threads start, so a malformed fields.json leaves no thread behind.
      const checkFields = (await readFieldChecks(options.modelDir))?.values ?? null;
      const threads = await ScoringThreads.start(settings.scoringThreads, settings.maxQueue, { modelDir: options.modelDir, backend, encoder: options.encoder });
      threaded = new ThreadedModel(manifest, threads, checkFields);
      classifier = threaded;
    } else if (options.loader !== undefined) {
      // A test's loader: the backend is started as for any model (tfjs imported only here).
      await (await importLazily(() => import('../engine/backend.js'), '../engine/backend.js', import.meta.url)).useBackend(backend);
      ({ classifier, manifest } = await options.loader(options.modelDir, { encoder: { ...options.encoder, backend } }));
    } else {
      ({ classifier, manifest } = await openModel(options.modelDir, { backend, startBackend: 'if-needed', encoder: options.encoder }));
    }
    if (state.closing) {
      await classifier.dispose(); // closed while loading: nothing will use it
      return;
    }
    const manifestBytes = await readFile(join(await resolveModelFolder(options.modelDir), MANIFEST_FILE));
    const id = modelIdOf(manifest.kind, manifestBytes);
    const scoring = classifier;
    const batcher = new MicroBatcher((texts, fields) => scoring.score(texts, fields), classifier.genres.length, settings);
    const explainer: Explainer = threaded !== null ? (text, genre, fields, thresholds) => threaded.explain(text, genre, fields, thresholds) : batchedExplainer(classifier, batcher);
    state.model = { classifier, manifest, id, batcher, explainer };
    app.log.info({ model: id, genres: classifier.genres.length, scoringThreads: threaded !== null ? settings.scoringThreads : 0, loadMs: Math.round(performance.now() - started) }, 'model loaded');
  };
  const ready = load();
  ready.catch((error: unknown) => {
    state.loadError = error instanceof Error ? error : new Error(String(error));
    // A damaged or missing model file is the user's to fix: its message names it, and a stack trace
    // would only bury it. Anything else (a bug) is logged with its stack.
    if (state.loadError instanceof PlotlineError) app.log.error({ error: { type: state.loadError.name, message: state.loadError.message } }, 'model failed to load');
    else app.log.error({ err: state.loadError }, 'model failed to load');
  });
  return ready;
}

/**
 * Explanations on the HTTP thread (scoringThreads 0): occlusion through the micro-batcher, each variant
 * scored with the text's fields and the genre-set rules applied, as the answer is.
 */
function batchedExplainer(classifier: GenreModel, batcher: MicroBatcher): Explainer {
  return async (text, genre, fields, thresholds) => {
    const scorer = ruledScorer(classifier, fields, (texts, each) => batcher.score(texts, each), thresholds);
    return (await explain(scorer, text, genre === null ? undefined : [genre]))[0];
  };
}

/**
 * The shutdown deadline has passed: every request still unanswered gets 503 `shutdown_deadline` with
 * `Connection: close`, then every socket is closed (slow uploads included), so close() can finish.
 */
export function answerInFlightAndDisconnect(app: FastifyInstance): void {
  for (const reply of app.plotline.inFlight) {
    if (!reply.sent) {
      void reply.code(503).header('connection', 'close').send(errorBody('shutdown_deadline', 'the server shut down before this request was answered; retry on another instance'));
    }
  }
  app.plotline.inFlight.clear();
  setImmediate(() => app.server.closeAllConnections());
}

/** A route pattern against a concrete path; only the patterns this app uses (exact, or ending in `*`). */
function matches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

/** The options that were given, so `undefined` never overrides a default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
