import type avro from 'avsc';
import { decodeAvroRecord, isRegistryFramed, schemaIdOf, schemaIdsOf, type AvroSchemasOfBatch } from './avroChangeRecords';
import type { DecodedRecord } from './changeEvent';
import { decodeChangeRecord, TOMBSTONE, type RawRecord } from './decodeChangeRecord';
import type { RecordPosition } from './decodeError';
import { PipelineError } from '../../infra/errors/pipelineError';
import { SchemaRefusedError, type WriterSchemas } from './registrySchemas';

/** Decodes one record of a batch; throws DecodeError (not retriable) for a record that cannot be applied. */
export type DecodeRecord = (position: RecordPosition, record: RawRecord) => DecodedRecord;

/**
 * How the projector reads a batch's records. `forRecords` gathers what decoding them needs (the
 * writer schemas their Avro records name, from the registry) and returns the batch's decoder, so
 * decoding itself stays synchronous. It throws a retriable error while what it needs cannot be had
 * (the registry does not answer): the batch is tried again, nothing is dead-lettered for a fault
 * that is not the record's.
 */
export interface ChangeRecordDecoder {
  forRecords(records: readonly RawRecord[]): Promise<DecodeRecord>;
}

/**
 * Reads each record in the format it was written in: Connect's JsonConverter (a JSON object) or an
 * Avro converter through a schema registry (magic byte 0, then the schema's id). A topic holds both
 * after the pipeline switched formats, and a rebuild or replay reads it from the start, so the
 * format is told per record, not assumed. Avro needs `schemas`; without them (no
 * SCHEMA_REGISTRY_URL) an Avro record stops the projector (NoSchemaRegistryError). Writer schemas are kept once
 * fetched: a connector has one per table and schema version, so the set stays small.
 */
export function createChangeRecordDecoder({ schemas }: { schemas?: WriterSchemas } = {}): ChangeRecordDecoder {
  const known = new Map<number, avro.Type>();
  const none: AvroSchemasOfBatch = { known, refused: new Map() };
  return {
    async forRecords(records) {
      const missing = [...schemaIdsOf(records)].filter((id) => !known.has(id));
      if (schemas === undefined || missing.length === 0) return (position, record) => decodeRecord(position, record, schemas, none);
      /** Ids the registry answered for with a reason their records cannot be read. */
      const refused = new Map<number, string>();
      await Promise.all(
        missing.map(async (id) => {
          try {
            known.set(id, await schemas.get(id));
          } catch (error) {
            if (!(error instanceof SchemaRefusedError)) throw error;
            refused.set(id, error.message);
          }
        }),
      );
      const batch = { known, refused };
      return (position, record) => decodeRecord(position, record, schemas, batch);
    },
  };
}

function decodeRecord(
  position: RecordPosition,
  record: RawRecord,
  schemas: WriterSchemas | undefined,
  batch: AvroSchemasOfBatch,
): DecodedRecord {
  const value = record.value;
  if (value === null || value.length === 0) return TOMBSTONE;
  if (!isRegistryFramed(value)) return decodeChangeRecord(position, record);
  // Too short for the registry's header: bad bytes whatever the reader knows.
  const schemaId = schemaIdOf(value);
  if (schemas === undefined && schemaId !== undefined) throw new NoSchemaRegistryError(schemaId, position);
  return decodeAvroRecord(position, value, schemaId, batch);
}

/**
 * An Avro record reached a projector that has no schema registry: a setting is missing, not the
 * record's fault, and nothing this process can mend. The projector stops (onFatal) with this
 * message, as for a bad setting at start-up; nothing is dead-lettered, nothing committed past it.
 */
export class NoSchemaRegistryError extends PipelineError {
  constructor(schemaId: number, position: RecordPosition) {
    super(
      `a record was written in Avro through a schema registry (schema id ${schemaId}, ${position.topic}/${position.partition}@${position.offset}) and SCHEMA_REGISTRY_URL is not set: set it and start the projector again`,
      { retriable: false, context: position },
    );
  }
}
