import fs from 'node:fs';
import path from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';

/**
 * Every manifest under infra/k8s against its OpenAPI schema (kubernetes-models, with KEDA's and
 * the Prometheus Operator's CRDs), every kustomization's resources present, and the scaling rules.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const K8S = path.join(ROOT, 'infra', 'k8s');

type Manifest = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly [key: string]: unknown;
};
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

const yamlFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []));
const documents = (file: string): unknown[] => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
const kustomizations = yamlFiles(K8S).filter((f) => path.basename(f) === 'kustomization.yaml');
const manifests: Array<{ file: string; manifest: Manifest }> = yamlFiles(K8S)
  .filter((f) => path.basename(f) !== 'kustomization.yaml')
  .flatMap((file) => documents(file).map((manifest) => ({ file: path.relative(ROOT, file), manifest: manifest as Manifest })));

it.each(manifests.map((m) => [`${m.file}: ${m.manifest.kind} ${m.manifest.metadata.name}`, m.manifest] as const))(
  'given %s, then it is valid against its schema',
  (_name, manifest) => {
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    expect(Model).toBeDefined();
    expect(() => new Model!(manifest as never).validate()).not.toThrow();
  },
);

it('given every kustomization, then each resource it lists exists and every manifest is listed once', () => {
  const listed = kustomizations.flatMap((k) =>
    ((documents(k)[0] as { resources: string[] }).resources ?? []).map((r) => path.resolve(path.dirname(k), r)),
  );
  expect(listed.filter((r) => !fs.existsSync(r))).toEqual([]);
  const files = new Set(manifests.map((m) => path.resolve(ROOT, m.file)));
  expect([...files].filter((f) => !listed.includes(f))).toEqual([]);
});

it("given the KEDA ScaledObject, then it scales the projector on its consumer group, never past the topics' partition count", () => {
  const scaled = manifests.find((m) => m.manifest.kind === 'ScaledObject')!.manifest as unknown as {
    spec: {
      scaleTargetRef: { name: string };
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: Array<{ type: string; metadata: Record<string, string> }>;
    };
  };
  const connector = JSON.parse(fs.readFileSync(path.join(ROOT, 'connectors', 'im-write.json'), 'utf8')) as {
    config: Record<string, string>;
  };
  const config = manifests.find((m) => m.manifest.kind === 'ConfigMap')!.manifest as unknown as { data: Record<string, string> };
  const [trigger] = scaled.spec.triggers;
  expect(scaled.spec.scaleTargetRef.name).toBe('projector');
  expect(trigger?.type).toBe('kafka');
  expect(trigger?.metadata.consumerGroup).toBe(config.data.PROJECTOR_GROUP_ID);
  expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  expect(scaled.spec.maxReplicaCount).toBeLessThanOrEqual(Number(connector.config['topic.creation.default.partitions']));
});

it('given the Deployments, StatefulSets and Jobs, then every container sets requests and limits and runs as a user other than root', () => {
  const bad = manifests
    .filter((m) => ['Deployment', 'StatefulSet', 'Job'].includes(m.manifest.kind))
    .flatMap((m) => {
      const pod = (
        m.manifest as unknown as {
          spec: {
            template: {
              spec: {
                securityContext?: { runAsNonRoot?: boolean };
                containers: Array<{ name: string; resources?: { requests?: object; limits?: object } }>;
                initContainers?: Array<{ name: string; resources?: { requests?: object; limits?: object } }>;
              };
            };
          };
        }
      ).spec.template.spec;
      return [...(pod.initContainers ?? []), ...pod.containers]
        .filter(
          (c) => c.resources?.requests === undefined || c.resources.limits === undefined || pod.securityContext?.runAsNonRoot !== true,
        )
        .map((c) => `${m.manifest.metadata.name}/${c.name}`);
    });
  expect(bad).toEqual([]);
});
