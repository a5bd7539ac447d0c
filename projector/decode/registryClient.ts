import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { exactLongTypeHook } from './exactAvroLongs';

type MiddlewareList = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>;

/** A client of a Confluent-compatible schema registry, as every part of the project makes it. */
export interface RegistryClient {
  readonly registry: SchemaRegistry;
  /** The registry's address without credentials: what messages and logs may name. */
  readonly address: string;
  /** Whether the address answers as a Confluent-compatible API (`GET /schemas/types`); false when it does not, or does not answer. */
  answersAsSchemaRegistry(): Promise<boolean>;
}

/**
 * @kafkajs/confluent-schema-registry with what the project needs around it: Avro longs read as
 * exact bigints (exactAvroLongs); a timeout on every request, without which a registry that
 * accepts the connection and never answers would hold its caller (and, through the client's
 * sharing of requests for one id, every later ask for it) for ever; credentials in the URL given
 * as basic auth, never kept in the address messages name.
 */
export function createRegistryClient({
  url,
  timeoutMs = 10_000,
  clientId,
}: {
  url: string;
  timeoutMs?: number;
  clientId: string;
}): RegistryClient {
  const parsed = new URL(url);
  const auth =
    parsed.username === '' ? undefined : { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  const address = parsed.toString().replace(/\/+$/, '');
  const withTimeout: MiddlewareList[number] = () => ({
    prepareRequest: (next) => next().then((request) => request.enhance({ timeout: timeoutMs })),
  });
  const registry = new SchemaRegistry(
    // No `retry`: the client merges it into a default it shares with every other instance.
    { host: address, clientId, middlewares: [withTimeout], ...(auth === undefined ? {} : { auth }) },
    { [SchemaType.AVRO]: { typeHook: exactLongTypeHook } },
  );
  let confirmed = false;
  return {
    registry,
    address,
    async answersAsSchemaRegistry() {
      if (confirmed) return true;
      const headers: Record<string, string> =
        auth === undefined ? {} : { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
      try {
        const response = await fetch(`${address}/schemas/types`, { headers, signal: AbortSignal.timeout(timeoutMs) });
        confirmed = response.ok && Array.isArray(await response.json());
      } catch {
        return false;
      }
      return confirmed;
    },
  };
}
