import { contactReverseIndex } from '../views/contactReverseIndex';
import { userContactView, type ContactRow } from '../views/userContactView';
import { deleteRowsStatement, upsertRowsStatement } from './viewStatements';

const row: ContactRow = {
  userId: 9007199254740993n,
  contactUserId: 2n,
  remarkName: '',
  nickname: 'bo',
  avatar: '',
  displayName: 'bo',
  directChannelId: null,
  friendsSince: '2026-01-01 00:00:00+00',
  friendVer: 3n,
  contactProfileVer: 1n,
};

describe('upsertRowsStatement', () => {
  it('given a view with values, when rows are upserted, then every column goes in as one typed array', () => {
    const { text, values } = upsertRowsStatement(userContactView, [row]);
    expect(text).toContain('insert into user_contact_view as v (user_id, contact_user_id, remark_name, nickname, avatar, display_name');
    expect(text).toContain('unnest($1::bigint[], $2::bigint[], $3::text[]');
    expect(text).toContain('$8::timestamptz[], $9::integer[], $10::integer[])');
    // int64 travels as exact decimal text, a nullable null stays null.
    expect(values).toEqual([['9007199254740993'], ['2'], [''], ['bo'], [''], ['bo'], [null], ['2026-01-01 00:00:00+00'], ['3'], ['1']]);
  });

  it('given a row that would not change, then the guard skips it: every value column is compared, the key is not', () => {
    const { text } = upsertRowsStatement(userContactView, [row]);
    expect(text).toContain('on conflict (user_id, contact_user_id) do update set remark_name = excluded.remark_name');
    expect(text).toContain('projected_at = now()');
    expect(text).toMatch(
      /where \(v\.remark_name, .*v\.contact_profile_ver\) is distinct from \(excluded\.remark_name, .*excluded\.contact_profile_ver\)$/,
    );
    expect(text).not.toMatch(/v\.user_id\b/);
  });

  it('given a table of keys only (a reverse index), then an existing entry is left as it is', () => {
    const { text } = upsertRowsStatement(contactReverseIndex, [{ contactUserId: 2n, ownerUserId: 1n }]);
    expect(text).toMatch(/on conflict \(contact_user_id, owner_user_id\) do nothing$/);
  });

  it('given null in a NOT NULL column, then the statement is refused before it reaches the database', () => {
    expect(() => upsertRowsStatement(userContactView, [{ ...row, nickname: null }])).toThrow('column nickname is not nullable');
  });
});

describe('deleteRowsStatement', () => {
  it('given keys, then rows are matched on every key column and nothing else', () => {
    const { text, values } = deleteRowsStatement(userContactView, [{ userId: 1n, contactUserId: 2n, nickname: 'ignored' }]);
    expect(text).toBe(
      'delete from user_contact_view v using unnest($1::bigint[], $2::bigint[]) k(user_id, contact_user_id) ' +
        'where v.user_id = k.user_id and v.contact_user_id = k.contact_user_id',
    );
    expect(values).toEqual([['1'], ['2']]);
  });
});
