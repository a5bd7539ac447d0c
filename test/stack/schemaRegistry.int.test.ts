import pino from 'pino';
import { Client } from 'pg';
import { loadStackConfig } from '../../infra/stack/config';
import { createLocalStack } from '../../infra/stack/localStack';
import { stackEnv, uniqueName } from '../support/stackEnv';

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
  await stack.startPart('schema-registry');

  const found = await fetch(`${registryUrl()}/schemas/ids/${id}`);
  expect(found.status).toBe(200);
  expect(JSON.parse(((await found.json()) as { schema: string }).schema)).toEqual(schema);
});

it('given its database, then it is the registry’s own: no pipeline role may connect to it', async () => {
  const url = new URL(stackEnv().writeDatabaseUrl);
  url.pathname = '/im_registry';
  const client = new Client({ connectionString: url.toString() });
  await expect(client.connect()).rejects.toThrow(/permission denied for database "?im_registry"?/);
  await client.end().catch(() => undefined);
});
