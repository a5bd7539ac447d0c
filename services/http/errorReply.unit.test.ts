import { DrizzleQueryError } from 'drizzle-orm/errors';
import { DatabaseError } from 'pg';
import { errorReply } from './errorReply';

const databaseError = (code: string) => {
  const error = new DatabaseError('from postgres', 0, 'error');
  error.code = code;
  return error;
};
const withCode = (code: string, statusCode?: number) =>
  Object.assign(new Error('framework'), { code, ...(statusCode ? { statusCode } : {}) });

describe('errorReply', () => {
  it.each([
    [
      'a validation failure',
      Object.assign(new Error('body/content must be string'), { validation: [{}], statusCode: 400 }),
      400,
      'invalid_request',
    ],
    ['malformed JSON', withCode('FST_ERR_CTP_INVALID_JSON_BODY', 400), 400, 'malformed_json'],
    ['an empty JSON body', withCode('FST_ERR_CTP_EMPTY_JSON_BODY', 400), 400, 'empty_body'],
    ['a body too large', withCode('FST_ERR_CTP_BODY_TOO_LARGE', 413), 413, 'body_too_large'],
    ['an unsupported media type', withCode('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 415, 'unsupported_media_type'],
    ['a bad URL', withCode('FST_ERR_BAD_URL', 400), 400, 'bad_url'],
    ['a JWT plugin error', withCode('FST_JWT_BAD_REQUEST', 400), 401, 'invalid_token'],
    ['a foreign-key violation', databaseError('23503'), 404, 'referenced_entity_not_found'],
    ['a unique violation wrapped by drizzle', new DrizzleQueryError('insert', [], databaseError('23505')), 409, 'duplicate'],
    ['text PostgreSQL cannot store', databaseError('22P05'), 400, 'invalid_text'],
    ['a numeric overflow', databaseError('22003'), 400, 'value_out_of_range'],
    ['a deadlock that outlived its retries', databaseError('40P01'), 503, 'retry'],
    ['a server shutting down', databaseError('57P01'), 503, 'database_unavailable'],
    ['a refused connection', withCode('ECONNREFUSED'), 503, 'database_unavailable'],
    ['a pool timeout', new Error('timeout exceeded when trying to connect'), 503, 'database_unavailable'],
    ['another 4xx of the framework', withCode('FST_ERR_SOMETHING', 431), 431, 'bad_request'],
    ['a bug', new TypeError('x is undefined'), 500, 'internal_error'],
    ['a thrown string', 'boom', 500, 'internal_error'],
  ])('%s → %i %s', (_name, error, status, code) => {
    const reply = errorReply(error);
    expect(reply.status).toBe(status);
    expect(reply.body.error).toBe(code);
    expect(reply.body.message.length).toBeGreaterThan(0);
  });

  it('never shows an unexpected error’s text to the client', () => {
    expect(errorReply(new Error('password=secret at db.internal')).body.message).not.toContain('secret');
  });
});
