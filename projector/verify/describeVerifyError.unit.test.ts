import { describeVerifyError, withoutPassword } from './describeVerifyError';
import { VerifyConnectionError } from './verifyErrors';

const urls = {
  writeDatabaseUrl: 'postgres://im:secret@db1:5432/im_write',
  readDatabaseUrl: 'postgres://im:secret@db2:5432/im_read',
};

describe('describeVerifyError', () => {
  it('names the setting of the database that could not be reached, without its password', () => {
    const message = describeVerifyError(new VerifyConnectionError('read', new Error('connect ECONNREFUSED')), urls);
    expect(message).toBe(
      'cannot connect to the read database: connect ECONNREFUSED (VERIFIER_READ_DATABASE_URL=postgres://im:***@db2:5432/im_read)',
    );
  });

  it('points at the URLs or migrations when a contract table is missing', () => {
    const error = Object.assign(new Error('relation "user_contact_view" does not exist'), { code: '42P01' });
    expect(describeVerifyError(error, urls)).toMatch(/contract table or column is missing .*both databases migrated/);
  });

  it('never echoes an unparsable URL', () => {
    expect(withoutPassword('not a url secret')).toBe('<not a URL>');
    expect(withoutPassword('postgres://im@host/db')).toBe('postgres://im@host/db');
  });
});
