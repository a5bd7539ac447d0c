import type avro from 'avsc';
import type { ChangeRecordDecoder } from './changeRecordDecoder';
import type { DecodedRecord } from './changeEvent';
import { decodeEnvelope, TOMBSTONE, type RawRecord } from './decodeChangeRecord';
import { DecodeError, type RecordPosition } from './decodeError';
import { SchemaRefusedError, type WriterSchemas } from './registrySchemas';
import { isRawRow } from './rowFields';

/** The registry's wire format: magic byte 0, the schema's id (4 bytes, big-endian), the Avro body. */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

function schemaIdOf(value: Buffer | null): number | undefined {
  return value !== null && value.length >= HEADER_BYTES && value[0] === MAGIC_BYTE ? value.readInt32BE(1) : undefined;
}

/**
 * Debezium records written by an Avro converter through a schema registry. Each writer schema is
 * fetched once and kept (a connector has one per table and schema version, so the set stays small);
 * the decoded envelope goes through the same decodeEnvelope as JSON's, so both formats give the
 * same events. Values are read with their writer's schema: a column added later is simply one more
 * field, which the projection does not read.
 */
export function createAvroChangeRecords({ schemas }: { schemas: WriterSchemas }): ChangeRecordDecoder {
  const known = new Map<number, avro.Type>();
  return {
    async forRecords(records: readonly RawRecord[]) {
      const missing = new Set<number>();
      for (const record of records) {
        const id = schemaIdOf(record.value);
        if (id !== undefined && !known.has(id)) missing.add(id);
      }
      /** Ids the registry answered for with a reason their records cannot be read. */
      const refused = new Map<number, string>();
      await Promise.all(
        [...missing].map(async (id) => {
          try {
            known.set(id, await schemas.get(id));
          } catch (error) {
            if (!(error instanceof SchemaRefusedError)) throw error;
            refused.set(id, error.message);
          }
        }),
      );
      return (position, record) => decodeAvroRecord(position, record, known, refused);
    },
  };
}

function decodeAvroRecord(
  position: RecordPosition,
  record: RawRecord,
  known: ReadonlyMap<number, avro.Type>,
  refused: ReadonlyMap<number, string>,
): DecodedRecord {
  const value = record.value;
  if (value === null || value.length === 0) return TOMBSTONE;
  const id = schemaIdOf(value);
  if (id === undefined) {
    const first = value[0] ?? 0;
    const hint = first === 0x7b ? ' (it looks like JSON: is the connector writing JSON?)' : '';
    throw new DecodeError(
      `value is not in the schema registry's format: ${value.length < HEADER_BYTES ? `${value.length} bytes` : `first byte 0x${first.toString(16).padStart(2, '0')}, not 0x00`}${hint}`,
      position,
    );
  }
  const reason = refused.get(id);
  if (reason !== undefined) throw new DecodeError(reason, position);
  const schema = known.get(id);
  if (schema === undefined) throw new DecodeError(`schema id ${id} was not fetched for this batch`, position);
  let envelope: unknown;
  try {
    envelope = schema.fromBuffer(value.subarray(HEADER_BYTES));
  } catch (error) {
    throw new DecodeError(`value does not decode with its schema (id ${id}): ${(error as Error).message}`, position);
  }
  if (!isRawRow(envelope)) throw new DecodeError(`value is not a record under its schema (id ${id})`, position);
  return decodeEnvelope(position, envelope);
}
