import { createRecordValueReader } from './recordValues';

describe('createRecordValueReader', () => {
  const read = createRecordValueReader({});

  it('given JSON, then every integer is exact', async () => {
    expect(await read(Buffer.from('{"source":{"lsn":9007199254740993},"op":"r"}'))).toEqual({
      source: { lsn: 9007199254740993n },
      op: 'r',
    });
  });

  it('given a tombstone, bytes that are no JSON, or Avro without a registry, then null', async () => {
    expect(await read(null)).toBeNull();
    expect(await read(Buffer.alloc(0))).toBeNull();
    expect(await read(Buffer.from('{"op":'))).toBeNull();
    expect(await read(Buffer.from([0, 0, 0, 0, 7, 2]))).toBeNull();
  });
});
