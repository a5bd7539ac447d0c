import { decodeChangeRecord } from './decodeChangeRecord';
import { DecodeError } from './decodeError';

const position = { topic: 'im.public.users', partition: 3, offset: '42' };
const record = (value: unknown) => ({ key: null, value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) });
const source = (table: string) => ({ table, lsn: 24023128, txId: 771, ts_ms: 1795257000123, snapshot: 'false' });

describe('decodeChangeRecord', () => {
  it('decodes a user update into a typed event, int64 ids exact', () => {
    const value = `{"before":null,"after":{"id":9007199254740993,"nickname":"ann","avatar":"","profile_ver":3,"created_at":"2026-11-21T10:00:00.000001Z","updated_at":"2026-11-21T10:00:00Z"},"source":${JSON.stringify(source('users'))},"op":"u","ts_ms":1}`;
    expect(decodeChangeRecord(position, record(value))).toEqual({
      kind: 'change',
      event: {
        table: 'users',
        op: 'u',
        row: { id: 9007199254740993n, nickname: 'ann', avatar: '', profileVer: 3 },
        source: { table: 'users', lsn: 24023128n, txId: 771n, tsMs: 1795257000123, snapshot: false },
      },
    });
  });

  it('decodes a friendship delete from the key columns of before', () => {
    const decoded = decodeChangeRecord(
      position,
      record({ before: { user_id: 1, friend_id: 2, remark_name: null }, after: null, source: source('friendships'), op: 'd' }),
    );
    expect(decoded).toMatchObject({ kind: 'change', event: { table: 'friendships', op: 'd', key: { userId: 1n, friendId: 2n } } });
  });

  it('skips tombstones and tables the views do not read', () => {
    expect(decodeChangeRecord(position, { key: null, value: null })).toEqual({ kind: 'skip', reason: 'tombstone' });
    expect(decodeChangeRecord(position, record({ after: { id: 1 }, source: source('channel_applications'), op: 'c' }))).toEqual({
      kind: 'skip',
      reason: 'table channel_applications is not projected',
    });
  });

  describe("Debezium's placeholder for an unchanged TOASTed value", () => {
    const placeholder = '__debezium_unavailable_value';
    const after = {
      users: { id: 7, nickname: 'ann', avatar: placeholder, profile_ver: 2 },
      channels: { id: 8, channel_type: 2, channel_name: placeholder, channel_avatar: placeholder, channel_info_ver: 3, dissolved_at: null },
      messages: {
        id: 9,
        channel_id: 8,
        seq: 4,
        sender_id: 7,
        msg_type: 1,
        content: placeholder,
        created_at: '2026-11-21T10:00:00Z',
        recalled_at: '2026-11-21T10:01:00Z',
      },
      friendships: { user_id: 7, friend_id: 6, remark_name: placeholder, friend_ver: 5, created_at: '2026-11-21T10:00:00Z' },
    };
    const unavailable = (table: string, column: string) => ({ kind: 'unavailable', table, column, position });

    it.each([
      ['users', { nickname: 'ann', avatar: unavailable('users', 'avatar') }],
      ['channels', { channelName: unavailable('channels', 'channel_name'), channelAvatar: unavailable('channels', 'channel_avatar') }],
      ['messages', { content: unavailable('messages', 'content'), recalledAt: '2026-11-21T10:01:00Z' }],
      ['friendships', { remarkName: unavailable('friendships', 'remark_name'), friendVer: 5 }],
    ] as const)(
      'given an update of %s carrying it, when decoded, then that column is unavailable, naming the column and the record',
      (table, expected) => {
        // given
        const value = { before: null, after: after[table], source: source(table), op: 'u' };
        // when
        const decoded = decodeChangeRecord(position, record(value));
        // then
        expect(decoded).toMatchObject({ kind: 'change', event: { table, op: 'u', row: expected } });
      },
    );

    it.each(['c', 'r'])(
      'given an event with op %s carrying the same characters, when decoded, then they are text a writer stored',
      (op) => {
        // given: an INSERT or a snapshot read carries whole rows, never the placeholder
        const value = { before: null, after: after.users, source: source('users'), op };
        // when
        const decoded = decodeChangeRecord(position, record(value));
        // then
        expect(decoded).toMatchObject({ kind: 'change', event: { row: { avatar: placeholder } } });
      },
    );

    it('given an update with the old row (REPLICA IDENTITY FULL) whose new value is those characters, when decoded, then they are text a writer stored', () => {
      // given: Debezium fills unchanged out-of-line values from `before`, so `after` holds what
      // the row now says, even a nickname a user chose to spell like the placeholder
      const value = {
        before: { ...after.users, nickname: 'ann', avatar: 'a' },
        after: { ...after.users, nickname: placeholder },
        source: source('users'),
        op: 'u',
      };
      // when
      const decoded = decodeChangeRecord(position, record(value));
      // then
      expect(decoded).toMatchObject({ kind: 'change', event: { row: { nickname: placeholder, avatar: placeholder } } });
    });
  });

  it.each([
    ['not JSON', '{"after": ', /value is not JSON/],
    ['no source block', { after: {}, op: 'c' }, /no source block/],
    ['an unknown op', { after: {}, source: source('users'), op: 'x' }, /unknown op x/],
    ['a truncate', { source: source('messages'), op: 't' }, /truncate of messages is not supported/],
    ['a delete of a table never deleted', { before: { id: 1 }, after: null, source: source('users'), op: 'd' }, /delete of users/],
    [
      'a column of the wrong type',
      { after: { id: '7', nickname: 'x', avatar: '', profile_ver: 1 }, source: source('users'), op: 'c' },
      /column id: expected a 64-bit integer, got "7"/,
    ],
    [
      'a missing column',
      { after: { id: 7, avatar: '', profile_ver: 1 }, source: source('users'), op: 'c' },
      /column nickname: expected a string, got nothing/,
    ],
    [
      'a bad channel type',
      {
        after: { id: 1, channel_type: 3, channel_name: '', channel_avatar: '', channel_info_ver: 1, dissolved_at: null },
        source: source('channels'),
        op: 'c',
      },
      /channel_type: expected 1 or 2/,
    ],
    [
      'a malformed timestamp',
      {
        after: {
          channel_id: 1,
          user_id: 2,
          role: 0,
          left_at: 'yesterday',
          is_pinned: false,
          is_muted: false,
          is_hidden: false,
          member_ver: 1,
        },
        source: source('channel_members'),
        op: 'u',
      },
      /column left_at: expected an ISO-8601 timestamp/,
    ],
  ])('rejects %s with a DecodeError naming the record position', (_name, value, message) => {
    let thrown: unknown;
    try {
      decodeChangeRecord(position, record(value));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DecodeError);
    expect((thrown as DecodeError).message).toMatch(message);
    expect((thrown as DecodeError).message).toContain('im.public.users/3@42');
    expect((thrown as DecodeError).retriable).toBe(false);
  });
});
