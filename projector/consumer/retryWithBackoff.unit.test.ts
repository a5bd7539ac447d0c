import { DatabaseError } from 'pg';
import { PipelineError } from '../../infra/errors/pipelineError';
import { DecodeError } from '../decode/decodeError';
import { retryWithBackoff } from './retryWithBackoff';

const databaseError = (code: string) => Object.assign(new DatabaseError('from postgres', 0, 'error'), { code });
const fast = { initialMs: 1, maxMs: 1 };

/** Work that fails with each error in turn, then succeeds; counts its attempts. */
function failingWith(...errors: unknown[]) {
  const work = async () => {
    work.attempts += 1;
    const error = errors.shift();
    if (error !== undefined) throw error;
    return 'done';
  };
  work.attempts = 0;
  return work;
}

describe('retryWithBackoff', () => {
  it('given transient database errors, when retried, then the work runs until it succeeds', async () => {
    const work = failingWith(databaseError('40P01'), databaseError('57P01'), Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }));
    await expect(retryWithBackoff(work, fast)).resolves.toBe('done');
    expect(work.attempts).toBe(4);
  });

  it('given a decode error, when it fails the work, then it is rethrown at once', async () => {
    const decode = new DecodeError('value is not JSON', { topic: 'im.public.messages', partition: 3, offset: '42' });
    const work = failingWith(decode);
    await expect(retryWithBackoff(work, fast)).rejects.toBe(decode);
    expect(work.attempts).toBe(1);
    expect(decode.context).toEqual({ topic: 'im.public.messages', partition: 3, offset: '42' });
  });

  it('reads the flag of the project’s own errors, and refuses a data error and an unknown one', async () => {
    const retriable = failingWith(new PipelineError('try again', { retriable: true }));
    await expect(retryWithBackoff(retriable, fast)).resolves.toBe('done');
    for (const error of [databaseError('23505'), new TypeError('x is undefined')]) {
      await expect(retryWithBackoff(failingWith(error), fast)).rejects.toBe(error);
    }
  });

  it('given an aborted signal, when the work fails, then the error is rethrown', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = databaseError('40001');
    await expect(retryWithBackoff(failingWith(error), { ...fast, signal: controller.signal })).rejects.toBe(error);
  });
});
