import type avro from 'avsc';
import type { DecodedRecord } from './changeEvent';
import { decodeEnvelope, type RawRecord } from './decodeChangeRecord';
import { DecodeError, type RecordPosition } from './decodeError';
import { isRawRow } from './rowFields';

/** The registry's wire format: magic byte 0, the schema's id (4 bytes, big-endian), the Avro body. */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** The writer schema's id of a record in the registry's wire format, or undefined for any other value. */
export function schemaIdOf(value: Buffer | null): number | undefined {
  return value !== null && value.length >= HEADER_BYTES && value[0] === MAGIC_BYTE ? value.readInt32BE(1) : undefined;
}

/** Whether a value starts as the registry's wire format does (it may still be too short to be one). */
export function isRegistryFramed(value: Buffer): boolean {
  return value[0] === MAGIC_BYTE;
}

/**
 * One Debezium record written by an Avro converter through a schema registry, read with its writer's
 * schema (a column added later is one more field, which the projection does not read), then through
 * the same decodeEnvelope as JSON's, so both formats give the same events.
 */
export function decodeAvroRecord(
  position: RecordPosition,
  value: Buffer,
  id: number | undefined,
  schemas: AvroSchemasOfBatch,
): DecodedRecord {
  if (id === undefined)
    throw new DecodeError(`value is in no known format: ${value.length} bytes, too short for a schema registry's header`, position);
  const schema = schemas.known.get(id);
  if (schema === undefined) throw new DecodeError(schemas.refused.get(id) ?? `schema id ${id} was not fetched for this batch`, position);
  let envelope: unknown;
  try {
    envelope = schema.fromBuffer(value.subarray(HEADER_BYTES));
  } catch (error) {
    throw new DecodeError(`value does not decode with its schema (id ${id}): ${(error as Error).message}`, position);
  }
  if (!isRawRow(envelope)) throw new DecodeError(`value is not a record under its schema (id ${id})`, position);
  return decodeEnvelope(position, envelope);
}

/** What a batch's Avro records need: the writer schemas by id, and the ids the registry refused, with why. */
export interface AvroSchemasOfBatch {
  readonly known: ReadonlyMap<number, avro.Type>;
  readonly refused: ReadonlyMap<number, string>;
}

/** The schema ids a batch's records name. */
export function schemaIdsOf(records: readonly RawRecord[]): Set<number> {
  const ids = new Set<number>();
  for (const record of records) {
    const id = schemaIdOf(record.value);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}
