import avro from 'avsc';
import { exactLongTypeHook } from './exactAvroLongs';

const schema = {
  type: 'record',
  name: 'Value',
  namespace: 'im.test',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'peer', type: ['null', 'long'], default: null },
    { name: 'source', type: { type: 'record', name: 'Source', fields: [{ name: 'lsn', type: { type: 'long' } }] } },
    { name: 'count', type: 'int' },
  ],
};

describe('exactLongTypeHook', () => {
  it('given longs beyond 2^53, negative and at the int64 limits, then they decode to the exact bigints written', () => {
    const type = avro.Type.forSchema(schema as avro.Schema, { typeHook: exactLongTypeHook });
    for (const id of [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), -5n, 0n]) {
      const value = { id, peer: id, source: { lsn: id }, count: 7 };
      expect(type.fromBuffer(type.toBuffer(value))).toEqual(value);
    }
  });

  it('given a null in a nullable long and an int, then they stay null and a number', () => {
    const type = avro.Type.forSchema(schema as avro.Schema, { typeHook: exactLongTypeHook });
    const decoded = type.fromBuffer(type.toBuffer({ id: 1n, peer: null, source: { lsn: 2n }, count: 3 })) as Record<string, unknown>;
    expect(decoded.peer).toBeNull();
    expect(decoded.count).toBe(3);
  });

  it('given the bytes avsc writes for a plain long, then the exact reader reads the same value (the wire format is unchanged)', () => {
    const plain = avro.Type.forSchema('long');
    const exact = avro.Type.forSchema('long', { typeHook: exactLongTypeHook });
    expect(exact.fromBuffer(plain.toBuffer(1234567890123))).toBe(1234567890123n);
  });
});
