import { DrizzleQueryError } from 'drizzle-orm/errors';
import { DatabaseError } from 'pg';
import { databaseErrorKind, isDataError, isTransientDatabaseError, sqlState } from './databaseErrors';

const databaseError = (code: string) => Object.assign(new DatabaseError('from postgres', 0, 'error'), { code });

describe('databaseErrorKind', () => {
  it.each([
    ['40001', 'conflict'],
    ['40P01', 'conflict'],
    ['57014', 'timeout'],
    ['08006', 'unavailable'],
    ['57P01', 'unavailable'],
    ['57P03', 'unavailable'],
    ['53300', 'busy'],
    ['55P03', 'busy'],
    ['58030', 'busy'],
    ['22P05', 'data'],
    ['23505', 'data'],
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(databaseErrorKind(databaseError(code))).toBe(kind);
  });

  it('looks through the wrapper drizzle puts around pg’s error', () => {
    const wrapped = new DrizzleQueryError('insert', [], databaseError('23503'));
    expect(sqlState(wrapped)).toBe('23503');
    expect(isDataError(wrapped)).toBe(true);
  });

  it('counts a lost connection as unavailable, with or without a code', () => {
    expect(databaseErrorKind(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe('unavailable');
    expect(sqlState(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBeUndefined();
    expect(databaseErrorKind(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
    expect(databaseErrorKind(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
  });

  it('leaves a syntax error, a missing table and a bug unclassified: neither transient nor data', () => {
    for (const error of [databaseError('42601'), databaseError('42P01'), new TypeError('x is undefined')]) {
      expect(databaseErrorKind(error)).toBeUndefined();
      expect(isTransientDatabaseError(error)).toBe(false);
      expect(isDataError(error)).toBe(false);
    }
  });
});
