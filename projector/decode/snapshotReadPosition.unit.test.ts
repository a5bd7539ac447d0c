import { decodeChangeRecord } from './decodeChangeRecord';
import { DecodeError } from './decodeError';

// An incremental snapshot's read as Debezium 3.2 writes it: no lsn, no txId, the stream position in `sequence`.
const position = { topic: 'im.public.users', partition: 2, offset: '283' };
const user = { id: 7, nickname: 'ann', avatar: '', profile_ver: 4, created_at: '2026-11-21T10:00:00Z', updated_at: '2026-11-21T10:00:00Z' };
const read = (source: Record<string, unknown>) => ({
  key: null,
  value: Buffer.from(
    JSON.stringify({
      before: null,
      after: user,
      op: 'r',
      source: { table: 'users', ts_ms: 1796182620858, snapshot: 'incremental', txId: null, lsn: null, ...source },
    }),
  ),
});

describe('the position of an incremental snapshot read', () => {
  it('given lsn null and a sequence, when decoded, then the read is ordered at the current position, not the last commit', () => {
    // The last commit can lie beyond the close signal; changes between the two may not be in the read.
    const decoded = decodeChangeRecord(position, read({ sequence: '["213334400","213334392"]' }));
    expect(decoded).toMatchObject({ kind: 'change', event: { op: 'r', source: { lsn: 213334392n, txId: null, snapshot: true } } });
  });

  it('given a sequence whose last commit is unknown, then the current position is used', () => {
    expect(decodeChangeRecord(position, read({ sequence: '[null,"5"]' }))).toMatchObject({ event: { source: { lsn: 5n } } });
  });

  it('given neither an lsn nor a usable sequence, then it is a decode error naming the record, not a guess', () => {
    for (const sequence of [undefined, 'not json', '[null,null]', '["-1"]', '["7",null]', '["7"]']) {
      expect(() => decodeChangeRecord(position, read(sequence === undefined ? {} : { sequence }))).toThrow(DecodeError);
    }
    expect(() => decodeChangeRecord(position, read({}))).toThrow(/source\.lsn is null.*im\.public\.users\/2@283/);
  });

  it('given a streamed change with an lsn, then its lsn is used and the sequence ignored', () => {
    expect(decodeChangeRecord(position, read({ lsn: 99, txId: 5, sequence: '["1","2"]' }))).toMatchObject({
      event: { source: { lsn: 99n } },
    });
  });
});
