import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { MIGRATION_SETTING_NAMES, REGISTRATION_SETTING_NAMES } from '../../infra/jobs/jobsConfig';
import { PROJECTOR_SETTING_NAMES } from '../../projector/config';
import { SERVICES_SETTING_NAMES } from '../../services/config';

/**
 * The variables compose.yaml and the Kubernetes manifests give each part, against what that part
 * reads (its config schema): every required one is set, and none is unknown to it.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const PARTS: Record<string, { readonly known: readonly string[]; readonly required: readonly string[] }> = {
  projector: { known: PROJECTOR_SETTING_NAMES, required: ['PROJECTOR_DATABASE_URL', 'KAFKA_BROKERS'] },
  // NODE_ENV=production makes JWT_SECRET required.
  services: { known: SERVICES_SETTING_NAMES, required: ['WRITER_DATABASE_URL', 'READER_DATABASE_URL', 'JWT_SECRET', 'NODE_ENV'] },
  migrate: { known: MIGRATION_SETTING_NAMES, required: ['MIGRATOR_WRITE_DATABASE_URL', 'MIGRATOR_READ_DATABASE_URL'] },
  'register-connector': { known: REGISTRATION_SETTING_NAMES, required: ['CONNECT_URL', 'KAFKA_BROKERS'] },
};

const compose = parse(fs.readFileSync(path.join(ROOT, 'infra', 'compose', 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string> }>;
};

type Container = { name: string; env?: Array<{ name: string; valueFrom?: { configMapKeyRef?: { key: string } } }>; envFrom?: unknown[] };
const k8sDocs = fs
  .readdirSync(path.join(ROOT, 'infra', 'k8s', 'base'))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(ROOT, 'infra', 'k8s', 'base', f), 'utf8')).map((d) => d.toJS() as Record<string, unknown>),
  );
const containers = k8sDocs.flatMap((doc) => {
  const pod = (doc as { spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } }).spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
});
const configMapKeys = new Set(
  Object.keys((k8sDocs.find((d) => d.kind === 'ConfigMap') as { data: Record<string, string> } | undefined)?.data ?? {}),
);

const problems = (part: string, names: readonly string[]) => {
  const { known, required } = PARTS[part]!;
  return {
    unknown: names.filter((n) => !known.includes(n) && n !== 'NODE_ENV'),
    missing: required.filter((n) => !names.includes(n)),
  };
};

it.each(Object.keys(PARTS))('given compose service %s, then it sets every required variable and no unknown one', (part) => {
  const env = compose.services[part]?.environment;
  expect(env).toBeDefined();
  expect(problems(part, Object.keys(env ?? {}))).toEqual({ unknown: [], missing: [] });
});

it.each(Object.keys(PARTS))(
  'given Kubernetes container %s, then it sets every required variable and no unknown one, each by name',
  (part) => {
    const container = containers.find((c) => c.name === part);
    expect(container).toBeDefined();
    // envFrom would hand a part every key of a ConfigMap, known to it or not.
    expect(container?.envFrom).toBeUndefined();
    expect(
      problems(
        part,
        (container?.env ?? []).map((e) => e.name),
      ),
    ).toEqual({ unknown: [], missing: [] });
  },
);

it('given the ConfigMap references, then each names a key the ConfigMap has', () => {
  const refs = containers.flatMap((c) =>
    (c.env ?? []).flatMap((e) => (e.valueFrom?.configMapKeyRef === undefined ? [] : [e.valueFrom.configMapKeyRef.key])),
  );
  expect(refs.filter((key) => !configMapKeys.has(key))).toEqual([]);
});
