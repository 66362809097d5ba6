/**
 * Every failed request gets the same JSON body, `{"error": {"code", "message"}}`: the code is stable
 * for programs, the message says what was wrong in terms of the request (which field, which index,
 * which limit). Fastify's own errors (bad JSON, body too large, schema validation) are translated here
 * into that shape with messages about this API rather than Fastify internals. Anything unexpected
 * becomes a generic 500: stack traces and internal messages go to the log, never to the client.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError } from 'fastify';
import { FIELD_EXPECTATIONS } from './schemas.js';
import { isQueueFull } from './scoring-threads.js';

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
  /** Where in the schema the rule that failed is, e.g. `#/properties/fields/anyOf/0/additionalProperties/anyOf/0/type`. */
  schemaPath?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Turns whatever was thrown while handling a request into a status and a client-safe body. */
export function describeError(error: unknown, limits: { bodyLimit: number }): DescribedError {
  const client = (statusCode: number, code: string, message: string): DescribedError => ({ statusCode, body: errorBody(code, message), unexpected: false });
  if (error instanceof HttpError) return client(error.statusCode, error.code, error.message);
  const e = error as Partial<FastifyError> & { validation?: AjvError[] };
  if (Array.isArray(e.validation)) {
    const problem = validationProblem(e.validation);
    return client(400, problem.code, problem.message);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      // Fastify's parser also refuses valid JSON holding a "__proto__" or "constructor": {"prototype": ...}
      // key (prototype poisoning) with this same error, and does not say which it was.
      return client(400, 'invalid_json', 'the request body is not valid JSON, or holds a "__proto__" or "constructor.prototype" key, which is refused; send a JSON object such as {"text": "..."}');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return client(400, 'invalid_json', 'the request body is empty; send a JSON object such as {"text": "..."}');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return client(413, 'body_too_large', `the request body is larger than the ${limits.bodyLimit}-byte limit`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return client(415, 'unsupported_media_type', 'send the request body as JSON, with the header Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return client(400, 'invalid_body', 'the Content-Length header does not match the body');
  }
  if (isQueueFull(error)) return client(503, 'overloaded', 'the server has too much scoring work queued; retry shortly');
  // Other client errors Fastify raises (malformed requests): a fixed message per status, since some of
  // Fastify's messages repeat parts of the request.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return client(e.statusCode, 'bad_request', `the request is malformed (${STATUS_CODES[e.statusCode] ?? 'client error'})`);
  }
  return { statusCode: 500, body: errorBody('internal_error', 'internal server error; the failure is in the server log'), unexpected: true };
}

/**
 * The code and sentence for the first problem Ajv found: `invalid_field` naming the catalogue field
 * (`"fields[1].country"`) when the problem is one field value's type (null, true, an object, an
 * array holding a non-string), else `invalid_body` naming the request field.
 */
export function validationProblem(errors: readonly AjvError[]): { code: 'invalid_body' | 'invalid_field'; message: string } {
  const field = fieldValueProblem(errors);
  if (field !== null) return { code: 'invalid_field', message: field };
  return { code: 'invalid_body', message: validationMessage(errors) };
}

/**
 * When some error Ajv found sits inside one value of `fields` (`/fields/type`, `/fields/1/country`,
 * `/fields/cast/2`), the sentence naming that value as the API's other field messages do, else null.
 * Ajv tries both forms of `fields` (one object, an array of objects); only errors about a value
 * (under the schema's `additionalProperties`) count, and the schema path says which form it was.
 */
function fieldValueProblem(errors: readonly AjvError[]): string | null {
  // The deepest error wins: `/fields/cast/1` (an item of a list) over `/fields/cast`.
  const byDepth = [...errors].sort((a, b) => depth(b.instancePath) - depth(a.instancePath));
  for (const e of byDepth) {
    const schemaPath = e.schemaPath ?? '';
    if (e.keyword !== 'type' || !schemaPath.startsWith('#/properties/fields/') || !schemaPath.includes('/additionalProperties/')) continue;
    const [head, ...rest] = pathSegments(e.instancePath);
    if (head !== 'fields' || rest.length === 0) continue;
    // The schema's second form of "fields" is the array of one object per text.
    const perText = schemaPath.startsWith('#/properties/fields/anyOf/1/');
    const [index, name, item] = perText ? [rest[0], rest[1], rest[2]] : [undefined, rest[0], rest[1]];
    const where = `"fields${index === undefined ? '' : `[${index}]`}.${name}${item === undefined ? '' : `[${item}]`}"`;
    return item === undefined
      ? `${where} must be a string, a number (for a field read as a number) or an array of strings (a list such as cast)`
      : `${where} must be a string (each item of a list field)`;
  }
  return null;
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

  const path = pathSegments(chosen.instancePath);
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

/** A JSON pointer's segments, unescaped (RFC 6901: ~1 is "/", ~0 is "~"): `/fields/0/type` -> fields, 0, type. */
function pathSegments(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function depth(instancePath: string): number {
  return instancePath === '' ? 0 : instancePath.split('/').length - 1;
}

/**
 * Fastify's routing errors (`frameworkErrors`): a URL whose percent-encoding is broken, a path
 * parameter too long. Answered in the error shape without the URL, which is the client's own input.
 */
export function frameworkError(error: FastifyError): DescribedError {
  const client = (statusCode: number, code: string, message: string): DescribedError => ({ statusCode, body: errorBody(code, message), unexpected: false });
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return client(400, 'invalid_url', 'the URL path is not valid (broken percent-encoding?)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return client(414, 'url_too_long', 'a path segment of the URL is too long');
    default:
      return { statusCode: 500, body: errorBody('internal_error', 'internal server error; the failure is in the server log'), unexpected: true };
  }
}

/** What Node's connection-level errors (Fastify's `clientErrorHandler`) are answered with. */
const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'the request (headers and body) did not arrive within the request time-out' },
  ERR_HTTP_HEADERS_TIMEOUT: { status: 408, code: 'request_timeout', message: 'the request headers did not arrive within the headers time-out' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'the request headers are larger than the server accepts' },
};

/**
 * Answers an error Node raised on a connection before any request object existed (a time-out, a
 * malformed request line, oversized headers): the error shape, `Connection: close`, then the socket
 * is closed. Nothing is written on a socket that is already gone or answering.
 */
export function clientErrorResponse(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, code: 'bad_request', message: 'the request is not valid HTTP' };
  if (socket.writable) {
    const body = JSON.stringify(errorBody(known.code, known.message));
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
