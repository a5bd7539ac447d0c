import { createRegistryClient } from '../projector/decode/registryClient';
import { parseLosslessJson } from '../projector/decode/parseLosslessJson';

/**
 * A connector record's value as data, in whichever format the connector wrote it: Connect's
 * JsonConverter (integers as bigints), or Avro through a schema registry (magic byte 0; longs as
 * bigints). A topic holds both once the pipeline switched formats. Resolves to null for a tombstone
 * or a value in neither format; rejects when the registry does not answer (try again later).
 */
export type RecordValueReader = (value: Buffer | null) => Promise<unknown>;

export function createRecordValueReader({ schemaRegistryUrl }: { schemaRegistryUrl?: string | undefined }): RecordValueReader {
  const registry =
    schemaRegistryUrl === undefined ? undefined : createRegistryClient({ url: schemaRegistryUrl, clientId: 'im-stack' }).registry;
  return async (value) => {
    if (value === null || value.length === 0) return null;
    if (value[0] !== 0) {
      try {
        return parseLosslessJson(value.toString('utf8'));
      } catch {
        return null;
      }
    }
    if (registry === undefined) return null;
    try {
      return (await registry.decode(value)) as unknown;
    } catch (error) {
      // A registry's answer about this record (no such schema, bytes that do not fit it) makes it unreadable; anything else is the registry's fault.
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status !== 404) throw error;
      return null;
    }
  };
}
