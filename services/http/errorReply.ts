import type { Socket } from 'node:net';
import { databaseErrorKind, sqlState, type DatabaseErrorKind } from '../../infra/db/databaseErrors';
import { RateLimitedError } from './requestGuards';

export interface ErrorReply {
  readonly status: number;
  readonly body: { readonly error: string; readonly message: string };
}

const reply = (status: number, error: string, message: string): ErrorReply => ({ status, body: { error, message } });

/** Fastify's own client errors, by code. */
const FRAMEWORK_ERRORS: Readonly<Record<string, ErrorReply>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: reply(400, 'malformed_json', 'the body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: reply(400, 'empty_body', 'the body is empty but Content-Type says JSON'),
  FST_ERR_CTP_BODY_TOO_LARGE: reply(413, 'body_too_large', 'the body is larger than the limit'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: reply(415, 'unsupported_media_type', 'send application/json'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: reply(400, 'bad_content_length', 'the body size does not match Content-Length'),
  FST_ERR_BAD_URL: reply(400, 'bad_url', 'the URL is not valid'),
  FST_ERR_MAX_PARAM_LENGTH: reply(414, 'url_too_long', 'a path parameter is too long'),
};

/**
 * Data errors (infra/db/databaseErrors) that a race between valid requests can still cause, after
 * the commands' own checks. Any other data error means a command missed a check: a 500, logged.
 */
const DATA_ERRORS: Readonly<Record<string, ErrorReply>> = {
  '23503': reply(404, 'referenced_entity_not_found', 'a user or channel the request refers to does not exist'),
  '23505': reply(409, 'duplicate', 'the thing already exists'),
  '23514': reply(400, 'constraint_violated', 'the request breaks a rule of the data'),
  '22001': reply(400, 'value_too_long', 'a value is too long'),
  '22003': reply(400, 'value_out_of_range', 'a number is out of range'),
  '22021': reply(400, 'invalid_text', 'a text contains bytes that are not valid text'),
  '22P05': reply(400, 'invalid_text', 'a text contains characters that cannot be stored'),
};

const UNAVAILABLE = reply(503, 'database_unavailable', 'the database is not reachable; retry later');
/** Transient database errors: the client may send the same request again. */
const TRANSIENT: Readonly<Record<Exclude<DatabaseErrorKind, 'data'>, ErrorReply>> = {
  conflict: reply(503, 'retry', 'the request collided with another; retry'),
  timeout: reply(503, 'database_timeout', 'the database did not answer in time; retry'),
  unavailable: UNAVAILABLE,
  busy: UNAVAILABLE,
};

/**
 * What the client sees for an error thrown while handling its request: always the
 * `{ error, message }` shape, a 4xx for anything the request itself caused, 503 for a database
 * that is away, and 500 (with no detail) only for what nobody anticipated.
 */
export function errorReply(error: unknown): ErrorReply {
  if (!(error instanceof Error)) return reply(500, 'internal_error', 'unexpected error');
  const { code, statusCode, validation } = error as { code?: unknown; statusCode?: unknown; validation?: unknown };

  if (validation !== undefined) return reply(400, 'invalid_request', error.message);
  if (error instanceof RateLimitedError) return reply(429, 'rate_limited', error.message);
  if (typeof code === 'string') {
    const framework = FRAMEWORK_ERRORS[code];
    if (framework) return framework;
    if (code.startsWith('FST_JWT_')) return reply(401, 'invalid_token', error.message);
  }
  const kind = databaseErrorKind(error);
  if (kind === 'data') {
    const known = DATA_ERRORS[sqlState(error) ?? ''];
    if (known) return known;
  } else if (kind !== undefined) {
    return TRANSIENT[kind];
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) return reply(statusCode, 'bad_request', error.message);
  return reply(500, 'internal_error', 'unexpected error; it has been logged');
}

/**
 * Requests Node's HTTP parser rejects before fastify sees them (broken framing, a body longer
 * than Content-Length, oversized headers) still get the `{ error, message }` shape.
 */
export function answerUnparsableRequest(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text, body] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', { error: 'request_timeout', message: 'the request took too long to arrive' }]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', { error: 'headers_too_large', message: 'the request headers are too large' }]
        : [400, 'Bad Request', { error: 'bad_http_request', message: 'the request is not valid HTTP/1.1' }];
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}
