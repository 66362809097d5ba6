/**
 * Every failed request gets the same JSON body, `{"error": {"code", "message"}}`: the code is stable
 * for programs, the message says what was wrong in terms of the request (which field, which index,
 * which limit). Fastify's own errors (bad JSON, body too large, schema validation) are translated here
 * into that shape with messages about this API rather than Fastify internals. Anything unexpected
 * becomes a generic 500: stack traces and internal messages go to the log, never to the client.
 */
import type { FastifyError } from 'fastify';
import { FIELD_EXPECTATIONS } from './schemas.js';

/** An error a handler raises on purpose: its status, code and message are sent as they are. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface DescribedError {
  statusCode: number;
  body: ErrorBody;
  /** True when the server, not the client, is at fault: log it in full. */
  unexpected: boolean;
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Turns whatever was thrown while handling a request into a status and a client-safe body. */
export function describeError(error: unknown, limits: { bodyLimit: number }): DescribedError {
  const client = (statusCode: number, code: string, message: string): DescribedError => ({ statusCode, body: errorBody(code, message), unexpected: false });
  if (error instanceof HttpError) return client(error.statusCode, error.code, error.message);
  const e = error as Partial<FastifyError> & { validation?: AjvError[] };
  if (Array.isArray(e.validation)) return client(400, 'invalid_body', validationMessage(e.validation));
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return client(400, 'invalid_json', 'the request body is not valid JSON; send a JSON object such as {"text": "..."}');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return client(400, 'invalid_json', 'the request body is empty; send a JSON object such as {"text": "..."}');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return client(413, 'body_too_large', `the request body is larger than the ${limits.bodyLimit}-byte limit`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return client(415, 'unsupported_media_type', 'send the request body as JSON, with the header Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return client(400, 'invalid_body', 'the Content-Length header does not match the body');
  }
  // Other client errors Fastify raises (malformed requests) carry their own short, data-free messages.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && typeof e.message === 'string') {
    return client(e.statusCode, 'bad_request', e.message);
  }
  return { statusCode: 500, body: errorBody('internal_error', 'internal server error; the failure is in the server log'), unexpected: true };
}

/**
 * One sentence about the first problem Ajv found, naming the field. Among Ajv's errors the deepest
 * wins (`texts[3]` over `texts`), since it points at the exact value to fix.
 */
export function validationMessage(errors: readonly AjvError[]): string {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  const candidates = concrete.length > 0 ? concrete : errors;
  let chosen = candidates[0];
  for (const e of candidates) if (depth(e.instancePath) > depth(chosen.instancePath)) chosen = e;
  if (chosen === undefined) return 'the request body is invalid';

  const path = chosen.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (path.length === 0) {
    if (chosen.keyword === 'additionalProperties') {
      return `unknown field "${String(chosen.params.additionalProperty)}"; the fields are ${Object.keys(FIELD_EXPECTATIONS).join(', ')}`;
    }
    return 'the request body must be a JSON object sent with Content-Type: application/json, e.g. {"text": "..."}';
  }
  const [field, ...rest] = path;
  if (field === 'texts' && rest.length > 0) return `"texts[${rest[0]}]" must be a string`;
  if (field === 'threshold' && rest.length > 0) return `"threshold" for "${rest.join('/')}" must be a number from 0 to 1`;
  return `"${field}" must be ${FIELD_EXPECTATIONS[field] ?? 'valid'}`;
}

function depth(instancePath: string): number {
  return instancePath === '' ? 0 : instancePath.split('/').length - 1;
}
