import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { PipelineError } from '../../infra/errors/pipelineError';
import { exactLongTypeHook } from './exactAvroLongs';

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

type MiddlewareList = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>;

/**
 * Writer schemas from a Confluent-compatible registry (Apicurio's `/apis/ccompat/v7` here),
 * through @kafkajs/confluent-schema-registry: it caches each schema by id and asks once for
 * concurrent misses. Avro longs are read as exact bigints (exactAvroLongs).
 *
 * Only a 404, or a schema that cannot be read, condemns a record. The client reports a connection
 * it could not make as a 400 whose message is the socket's error, so every other HTTP failure is
 * taken as the registry's, not the record's: the batch waits for the registry, and nothing is
 * dead-lettered while it is away.
 */
export function createRegistrySchemas({ url, timeoutMs = 10_000 }: { url: string; timeoutMs?: number }): WriterSchemas {
  // Without a timeout a registry that accepts the connection and never answers would hold the
  // batch (and, through the client's request sharing, every later ask for that id) for ever.
  const withTimeout: MiddlewareList[number] = () => ({
    prepareRequest: (next) => next().then((request) => request.enhance({ timeout: timeoutMs })),
  });
  const registry = new SchemaRegistry(
    { host: url, clientId: 'im-projector', retry: { retries: 2 }, middlewares: [withTimeout] },
    { [SchemaType.AVRO]: { typeHook: exactLongTypeHook } },
  );
  return {
    async get(id) {
      try {
        await registry.getSchema(id);
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        if (status === 404) throw new SchemaRefusedError(`schema id ${id} is not in the registry at ${url}`);
        // Only HTTP failures carry a status; anything else came from reading the schema it gave.
        if (typeof status !== 'number') throw new SchemaRefusedError(`schema id ${id} cannot be read: ${(error as Error).message}`);
        throw new SchemaRegistryUnavailableError(
          `schema registry at ${url} did not give schema id ${id}: ${(error as Error).message}`,
          error,
        );
      }
      const entry = registry.cache.getSchema(id);
      if (entry?.type !== SchemaType.AVRO) {
        throw new SchemaRefusedError(`schema id ${id} is a ${entry?.type ?? 'missing'} schema, not Avro`);
      }
      return entry.schema as unknown as avro.Type;
    },
  };
}
