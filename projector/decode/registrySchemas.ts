import { SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { PipelineError } from '../../infra/errors/pipelineError';
import { createRegistryClient } from './registryClient';

/** Where an Avro record's writer schema comes from, by the id its bytes carry. */
export interface WriterSchemas {
  /**
   * The schema with this id. Throws SchemaRefusedError when the registry answers that it has no
   * such Avro schema (the record is bad), SchemaRegistryUnavailableError when it cannot answer.
   */
  get(id: number): Promise<avro.Type>;
}

/** The registry answered, and what it said makes the records that name this schema unreadable. */
export class SchemaRefusedError extends PipelineError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** The registry did not answer (down, unreachable, slow, an error of its own): try again later. */
export class SchemaRegistryUnavailableError extends PipelineError {
  constructor(message: string, cause: unknown) {
    super(message, { retriable: true, cause });
  }
}

/** What the last ask of the registry found: nothing yet, an answer, or no answer (since when, why). */
export type RegistryState =
  { readonly kind: 'unasked' | 'answering' } | { readonly kind: 'unavailable'; readonly sinceMs: number; readonly error: string };

/**
 * Writer schemas from a Confluent-compatible registry (Apicurio's `/apis/ccompat/v7` here),
 * through @kafkajs/confluent-schema-registry: it caches each schema by id and asks once for
 * concurrent misses.
 *
 * Only the registry's "no such schema" (a 404 from an address that answers as a registry), or a
 * schema that cannot be read, condemns a record. A 404 from an address that is no registry API
 * (SCHEMA_REGISTRY_URL names the wrong path) is the setting's fault, and the client reports a
 * connection it could not make as a 400 whose message is the socket's error: every failure but
 * those is taken as the registry's, not the record's, so the batch waits, and nothing is
 * dead-lettered while the registry is away.
 */
export function createRegistrySchemas({ url, timeoutMs = 10_000 }: { url: string; timeoutMs?: number }): WriterSchemas & {
  state(): RegistryState;
} {
  const client = createRegistryClient({ url, timeoutMs, clientId: 'im-projector' });
  const { registry, address } = client;
  let state: RegistryState = { kind: 'unasked' };
  const unavailable = (message: string, cause: unknown): SchemaRegistryUnavailableError => {
    if (state.kind !== 'unavailable') state = { kind: 'unavailable', sinceMs: Date.now(), error: message };
    else state = { ...state, error: message };
    return new SchemaRegistryUnavailableError(message, cause);
  };
  return {
    state: () => state,
    async get(id) {
      try {
        await registry.getSchema(id);
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        // Only HTTP failures carry a status; anything else came from reading the schema it gave.
        const refusal =
          typeof status !== 'number'
            ? `schema id ${id} cannot be read: ${(error as Error).message}`
            : status === 404
              ? `schema id ${id} is not in the registry at ${address}`
              : undefined;
        if (refusal === undefined)
          throw unavailable(`schema registry at ${address} did not give schema id ${id}: ${(error as Error).message}`, null);
        // The same answers from an address that is no registry API (a wrong path, a catch-all page) are the setting's fault.
        if (!(await client.answersAsSchemaRegistry())) {
          throw unavailable(
            `${address} does not answer as a Confluent-compatible schema registry (GET /schemas/types): check SCHEMA_REGISTRY_URL`,
            null,
          );
        }
        state = { kind: 'answering' };
        throw new SchemaRefusedError(refusal);
      }
      state = { kind: 'answering' };
      const entry = registry.cache.getSchema(id);
      if (entry?.type !== SchemaType.AVRO) {
        throw new SchemaRefusedError(`schema id ${id} is a ${entry?.type ?? 'missing'} schema, not Avro`);
      }
      return entry.schema as unknown as avro.Type;
    },
  };
}
