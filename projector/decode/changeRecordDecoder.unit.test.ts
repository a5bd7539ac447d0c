import avro from 'avsc';
import { createChangeRecordDecoder, NoSchemaRegistryError } from './changeRecordDecoder';
import { decodeChangeRecord, type RawRecord } from './decodeChangeRecord';
import { DecodeError } from './decodeError';
import { exactLongTypeHook } from './exactAvroLongs';
import { SchemaRefusedError, SchemaRegistryUnavailableError, type WriterSchemas } from './registrySchemas';

/** Debezium 3.2's value schema for `users` as its Avro converter registers it (trimmed of ts_us/ts_ns). */
const zoned = { type: 'string', 'connect.version': 1, 'connect.name': 'io.debezium.time.ZonedTimestamp' };
function usersEnvelope(extraColumns: readonly object[] = []) {
  return {
    type: 'record',
    name: 'Envelope',
    namespace: 'im.public.users',
    fields: [
      {
        name: 'before',
        type: [
          'null',
          {
            type: 'record',
            name: 'Value',
            fields: [
              { name: 'id', type: 'long' },
              { name: 'nickname', type: 'string' },
              { name: 'avatar', type: { type: 'string', 'connect.default': '' }, default: '' },
              { name: 'profile_ver', type: { type: 'int', 'connect.default': 1 }, default: 1 },
              { name: 'created_at', type: zoned },
              { name: 'updated_at', type: zoned },
              ...extraColumns,
            ],
          },
        ],
        default: null,
      },
      { name: 'after', type: ['null', 'Value'], default: null },
      {
        name: 'source',
        type: {
          type: 'record',
          name: 'Source',
          namespace: 'io.debezium.connector.postgresql',
          fields: [
            { name: 'version', type: 'string' },
            { name: 'connector', type: 'string' },
            { name: 'name', type: 'string' },
            { name: 'ts_ms', type: 'long' },
            { name: 'snapshot', type: [{ type: 'string', 'connect.name': 'io.debezium.data.Enum' }, 'null'], default: 'false' },
            { name: 'db', type: 'string' },
            { name: 'sequence', type: ['null', 'string'], default: null },
            { name: 'schema', type: 'string' },
            { name: 'table', type: 'string' },
            { name: 'txId', type: ['null', 'long'], default: null },
            { name: 'lsn', type: ['null', 'long'], default: null },
            { name: 'xmin', type: ['null', 'long'], default: null },
          ],
        },
      },
      { name: 'op', type: 'string' },
      { name: 'ts_ms', type: ['null', 'long'], default: null },
    ],
  };
}

const V1 = 7;
const V2 = 8;
const types = new Map<number, avro.Type>([
  [V1, avro.Type.forSchema(usersEnvelope() as avro.Schema, { typeHook: exactLongTypeHook })],
  // A later version: a nullable column and a column with a default, added by migrations.
  [
    V2,
    avro.Type.forSchema(
      usersEnvelope([
        { name: 'bio', type: ['null', 'string'], default: null },
        { name: 'locale', type: { type: 'string', 'connect.default': 'en' }, default: 'en' },
      ]) as avro.Schema,
      { typeHook: exactLongTypeHook },
    ),
  ],
]);

const ID = 2n ** 62n + 5n;
const after = {
  id: ID,
  nickname: 'ann',
  avatar: 'a.png',
  profile_ver: 3,
  created_at: '2026-11-21T10:00:00.000001Z',
  updated_at: '2026-11-21T10:00:00Z',
};
const source = {
  version: '3.2.3.Final',
  connector: 'postgresql',
  name: 'im',
  ts_ms: 1795257000123n,
  snapshot: 'false',
  db: 'im_write',
  sequence: '["24023000","24023128"]',
  schema: 'public',
  table: 'users',
  txId: 9007199254740993n,
  lsn: 24023128n,
  xmin: null,
};
const envelope = { before: null, after, source, op: 'u', ts_ms: 1795257000200n };

function avroRecord(id: number, value: object): RawRecord {
  const type = types.get(id)!;
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return { key: null, value: Buffer.concat([header, type.toBuffer(value)]) };
}

/** The same envelope as Connect's JsonConverter writes it (digits of int64 as they are). */
function jsonRecord(value: object): RawRecord {
  return {
    key: null,
    value: Buffer.from(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `<<${v}>>` : v)).replace(/"<<(-?\d+)>>"/g, '$1')),
  };
}

/** Schemas by id, as a registry would give them, counting each ask. */
function writerSchemas(fail?: (id: number) => Error | undefined): WriterSchemas & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    get(id) {
      asked.push(id);
      const error = fail?.(id);
      if (error !== undefined) return Promise.reject(error);
      const type = types.get(id);
      return type === undefined
        ? Promise.reject(new SchemaRefusedError(`schema id ${id} is not in the registry at test`))
        : Promise.resolve(type);
    },
  };
}

const position = { topic: 'im.public.users', partition: 3, offset: '42' };

describe('Avro change records', () => {
  it('given the same change in JSON and in Avro, when decoded, then the events are equal, int64 exact', async () => {
    const decode = await createChangeRecordDecoder({ schemas: writerSchemas() }).forRecords([avroRecord(V1, envelope)]);
    const fromAvro = decode(position, avroRecord(V1, envelope));
    expect(fromAvro).toEqual(decodeChangeRecord(position, jsonRecord(envelope)));
    expect(fromAvro).toMatchObject({
      kind: 'change',
      event: {
        row: { id: ID, nickname: 'ann', avatar: 'a.png', profileVer: 3 },
        source: { lsn: 24023128n, txId: 9007199254740993n, tsMs: 1795257000123 },
      },
    });
  });

  it('given a record of a later schema version with added columns, then it decodes to the same event', async () => {
    const newer = { ...envelope, after: { ...after, bio: null, locale: 'fr' } };
    const decode = await createChangeRecordDecoder({ schemas: writerSchemas() }).forRecords([
      avroRecord(V1, envelope),
      avroRecord(V2, newer),
    ]);
    expect(decode(position, avroRecord(V2, newer))).toEqual(decode(position, avroRecord(V1, envelope)));
  });

  it('fetches each writer schema once, however many records and batches name it', async () => {
    const schemas = writerSchemas();
    const decoder = createChangeRecordDecoder({ schemas });
    await decoder.forRecords([
      avroRecord(V1, envelope),
      avroRecord(V1, envelope),
      avroRecord(V2, { ...envelope, after: { ...after, bio: 'x', locale: 'en' } }),
    ]);
    await decoder.forRecords([avroRecord(V1, envelope)]);
    expect(schemas.asked.sort()).toEqual([V1, V2]);
  });

  it('given a registry that does not answer, then the batch fails with a retriable error and the next try fetches again', async () => {
    let down = true;
    const schemas = writerSchemas(() =>
      down ? new SchemaRegistryUnavailableError('registry at test: connect ECONNREFUSED', null) : undefined,
    );
    const decoder = createChangeRecordDecoder({ schemas });
    const failure = await decoder.forRecords([avroRecord(V1, envelope)]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SchemaRegistryUnavailableError);
    expect((failure as SchemaRegistryUnavailableError).retriable).toBe(true);
    down = false;
    const decode = await decoder.forRecords([avroRecord(V1, envelope)]);
    expect(decode(position, avroRecord(V1, envelope))).toMatchObject({ kind: 'change' });
  });

  it('given a record naming a schema id the registry does not have, then that record alone is a decode error naming it and its position', async () => {
    const unknown = avroRecord(V1, envelope);
    unknown.value!.writeInt32BE(99, 1);
    const decode = await createChangeRecordDecoder({ schemas: writerSchemas() }).forRecords([unknown, avroRecord(V1, envelope)]);
    expect(() => decode(position, unknown)).toThrow(DecodeError);
    expect(() => decode(position, unknown)).toThrow('schema id 99 is not in the registry at test (im.public.users/3@42)');
    expect(decode(position, avroRecord(V1, envelope))).toMatchObject({ kind: 'change' });
  });

  it('given a topic written in JSON, then in Avro (the format switched), then each record is read in its own format', async () => {
    const decode = await createChangeRecordDecoder({ schemas: writerSchemas() }).forRecords([
      jsonRecord(envelope),
      avroRecord(V1, envelope),
    ]);
    expect(decode(position, jsonRecord(envelope))).toEqual(decode(position, avroRecord(V1, envelope)));
  });

  it('given a reader without a registry, then an Avro record stops the projector with an error naming the setting, and JSON is read', async () => {
    const decode = await createChangeRecordDecoder().forRecords([avroRecord(V1, envelope)]);
    let failure: unknown;
    try {
      decode(position, avroRecord(V1, envelope));
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(NoSchemaRegistryError);
    expect(failure).not.toBeInstanceOf(DecodeError);
    expect((failure as NoSchemaRegistryError).retriable).toBe(false);
    expect((failure as Error).message).toContain('(schema id 7, im.public.users/3@42) and SCHEMA_REGISTRY_URL is not set');
    // Too short for a registry's header: bad bytes, with or without a registry.
    expect(() => decode(position, { key: null, value: Buffer.from([0, 1]) })).toThrow(DecodeError);
    expect(decode(position, jsonRecord(envelope))).toMatchObject({ kind: 'change' });
  });

  it('given bytes in neither format, or Avro that does not fit its schema, then each is a decode error saying why', async () => {
    const truncated = avroRecord(V1, envelope);
    const short = { key: null, value: truncated.value!.subarray(0, truncated.value!.length - 9) };
    const decode = await createChangeRecordDecoder({ schemas: writerSchemas() }).forRecords([short]);
    expect(() => decode(position, short)).toThrow(/value does not decode with its schema \(id 7\)/);
    expect(() => decode(position, { key: null, value: Buffer.from([0, 0]) })).toThrow(/2 bytes, too short for a schema registry's header/);
    expect(() => decode(position, { key: null, value: Buffer.from('\u0002garbage') })).toThrow(/value is not JSON/);
  });

  it('given a tombstone, then it is skipped', async () => {
    const decode = await createChangeRecordDecoder({ schemas: writerSchemas() }).forRecords([{ key: null, value: null }]);
    expect(decode(position, { key: null, value: null })).toEqual({ kind: 'skip', reason: 'tombstone' });
  });
});
