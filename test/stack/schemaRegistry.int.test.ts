import net from 'node:net';
import pino from 'pino';
import { Client } from 'pg';
import { loadStackConfig } from '../../infra/stack/config';
import { createLocalStack } from '../../infra/stack/localStack';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createRegistrySchemas, SchemaRefusedError, SchemaRegistryUnavailableError } from '../../projector/decode/registrySchemas';

/**
 * The schema registry of the Avro format in the local stack: Connect has its converter, it answers
 * the Confluent-compatible API at SCHEMA_REGISTRY_URL, and what it stores outlives a restart.
 */
const registryUrl = () => {
  const url = process.env.SCHEMA_REGISTRY_URL;
  if (url === undefined) throw new Error('SCHEMA_REGISTRY_URL is not set: run through jest (globalSetup starts the stack)');
  return url;
};
const json = { 'content-type': 'application/vnd.schemaregistry.v1+json' };

it('given Connect, then the Avro converter the Avro format registers with is one of its plugins', async () => {
  const plugins = (await (await fetch(`${stackEnv().connectUrl}/connector-plugins?connectorsOnly=false`)).json()) as Array<{
    class: string;
    type: string;
  }>;
  expect(plugins).toContainEqual(
    expect.objectContaining({ class: 'io.apicurio.registry.utils.converter.AvroConverter', type: 'converter' }),
  );
});

it('given a schema registered, when the registry restarts, then the same id still gives the same schema', async () => {
  const subject = `${uniqueName('registry_test')}-value`;
  const schema = { type: 'record', name: 'Probe', namespace: 'im.test', fields: [{ name: 'id', type: 'long' }] };
  const registered = await fetch(`${registryUrl()}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  expect(registered.status).toBe(200);
  const { id } = (await registered.json()) as { id: number };

  const stack = createLocalStack({ config: loadStackConfig(), logger: pino({ level: 'warn' }) });
  expect(await stack.schemaRegistry.stop()).toBe(true);
  // What the projector's schema lookup says meanwhile: the registry's fault, to be retried.
  const whileDown = await createRegistrySchemas({ url: registryUrl(), timeoutMs: 2_000 })
    .get(id)
    .catch((error: unknown) => error);
  expect(whileDown).toBeInstanceOf(SchemaRegistryUnavailableError);
  expect((whileDown as SchemaRegistryUnavailableError).retriable).toBe(true);
  await stack.startPart('schema-registry');

  const found = await fetch(`${registryUrl()}/schemas/ids/${id}`);
  expect(found.status).toBe(200);
  expect(JSON.parse(((await found.json()) as { schema: string }).schema)).toEqual(schema);
  const type = await createRegistrySchemas({ url: registryUrl() }).get(id);
  expect(type.fromBuffer(type.toBuffer({ id: 2n ** 62n + 1n }))).toEqual(expect.objectContaining({ id: 2n ** 62n + 1n }));
});

it('given an id the registry does not have, or a schema that is not Avro, then the lookup refuses it (not retriable), naming the id', async () => {
  const schemas = createRegistrySchemas({ url: registryUrl() });
  const unknown = await schemas.get(2_000_000_000).catch((error: unknown) => error);
  expect(unknown).toBeInstanceOf(SchemaRefusedError);
  expect((unknown as SchemaRefusedError).retriable).toBe(false);
  expect((unknown as Error).message).toContain('schema id 2000000000 is not in the registry');

  const subject = `${uniqueName('registry_json')}-value`;
  const registered = await fetch(`${registryUrl()}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { id: { type: 'integer' } } }) }),
  });
  expect(registered.status).toBe(200);
  const { id } = (await registered.json()) as { id: number };
  await expect(schemas.get(id)).rejects.toThrow(`schema id ${id} is a JSON schema, not Avro`);
});

it('given an address that is no registry API, a port nothing listens on, or a peer that never answers, then the lookup waits for the registry (retriable), never condemns the record', async () => {
  const apiRoot = registryUrl().replace(/\/apis\/ccompat\/v7$/, '');
  // Connect's address of the same registry (its own API, not the Confluent-compatible one): every id is a 404 there.
  const wrongPath = await createRegistrySchemas({ url: `${apiRoot}/apis/registry/v2` })
    .get(1)
    .catch((error: unknown) => error);
  expect(wrongPath).toBeInstanceOf(SchemaRegistryUnavailableError);
  expect((wrongPath as Error).message).toContain('does not answer as a Confluent-compatible schema registry');

  const silent = net.createServer(() => undefined); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const schemas = createRegistrySchemas({ url: `http://user:s3cret@127.0.0.1:${port}/apis/ccompat/v7`, timeoutMs: 500 });
    const hung = await schemas.get(1).catch((error: unknown) => error);
    expect(hung).toBeInstanceOf(SchemaRegistryUnavailableError);
    expect((hung as Error).message).not.toContain('s3cret');
    expect(schemas.state()).toMatchObject({ kind: 'unavailable' });
  } finally {
    silent.close();
  }
  // The same port, closed now: nothing listens.
  const refused = await createRegistrySchemas({ url: `http://127.0.0.1:${port}/apis/ccompat/v7` })
    .get(1)
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(SchemaRegistryUnavailableError);
});

it('given its database, then it is the registry’s own: no pipeline role may connect to it', async () => {
  const url = new URL(stackEnv().writeDatabaseUrl);
  url.pathname = '/im_registry';
  const client = new Client({ connectionString: url.toString() });
  await expect(client.connect()).rejects.toThrow(/permission denied for database "?im_registry"?/);
  await client.end().catch(() => undefined);
});
