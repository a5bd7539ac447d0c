import { loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { chooseTables, parseNotification, progressLine } from './resnapshot';

const definition = loadConnectorDefinition();

describe('chooseTables', () => {
  it('given no --tables, then every table whose topic is keyed by its primary key', () => {
    expect(chooseTables(definition, undefined)).toEqual([
      'public.users',
      'public.channels',
      'public.friendships',
      'public.channel_applications',
    ]);
  });

  it('given a re-keyed table, then it is refused with the reason: Debezium would emit one row per message key', () => {
    expect(() => chooseTables(definition, 'users,messages')).toThrow(
      /public\.messages cannot be re-snapshotted incrementally: .*message\.key\.columns/,
    );
    expect(() => chooseTables(definition, 'channel_members')).toThrow(/channel_members/);
    expect(() => chooseTables(definition, 'channel_read_records')).toThrow(/channel_read_records/);
  });

  it('given an unknown table, then it is refused, naming the ones that can be', () => {
    expect(() => chooseTables(definition, 'nope')).toThrow('--tables: unknown public.nope; the tables are public.users, public.channels');
  });
});

describe('notifications', () => {
  it('given a sink notification, then it is read, and each kind gives its progress line', () => {
    const value = {
      id: 'abc',
      aggregate_type: 'Incremental Snapshot',
      type: 'TABLE_SCAN_COMPLETED',
      additional_data: { scanned_collection: 'public.users', total_rows_scanned: '693', status: 'SUCCEEDED' },
    };
    const n = parseNotification(value);
    expect(n).toMatchObject({ id: 'abc', type: 'TABLE_SCAN_COMPLETED' });
    expect(progressLine(n!)).toBe('public.users: done, 693 rows (SUCCEEDED)');
  });

  it('given something else on the topic, then it is ignored', () => {
    expect(parseNotification('not an object')).toBeNull();
    expect(parseNotification(null)).toBeNull();
    expect(parseNotification({ type: 'X' })).toBeNull();
  });
});
