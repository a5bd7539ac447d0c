import fs from 'node:fs';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { DockerfileParser, type Copy } from 'dockerfile-ast';
import { COMPILED_ASSETS } from '../../infra/stack/compiledApps';

/** The images' Dockerfiles, read by a real parser: what they copy exists, what they pin is pinned once. */
const ROOT = path.resolve(__dirname, '..', '..');
const DOCKER = path.join(ROOT, 'infra', 'docker');
const versions = JSON.parse(fs.readFileSync(path.join(ROOT, 'infra', 'versions.json'), 'utf8')) as {
  debezium: string;
  node: string;
  kafka: string;
  jmxPrometheusJavaagent: string;
};
const dockerfiles = fs.readdirSync(DOCKER).filter((f) => f.endsWith('.Dockerfile'));
const parse = (file: string) => DockerfileParser.parse(fs.readFileSync(path.join(DOCKER, file), 'utf8'));

/** What a Dockerfile takes from the build context: the sources of its ADDs and of its COPYs not from a stage. */
const contextSources = (file: string): string[] =>
  parse(file)
    .getInstructions()
    .filter((i) => i.getKeyword() === 'ADD' || (i.getKeyword() === 'COPY' && (i as Copy).getFromFlag() === null))
    .flatMap((instruction) =>
      instruction
        .getArguments()
        .slice(0, -1)
        .map((a) => a.getValue()),
    )
    .filter((source) => !/^https:\/\//.test(source));

it.each(dockerfiles)('given %s, then every COPY or ADD from the build context names a file that exists', (file) => {
  const sources = contextSources(file);
  expect(sources.length).toBeGreaterThan(0);
  expect(sources.filter((source) => !fs.existsSync(path.join(ROOT, source)))).toEqual([]);
});

it.each(dockerfiles)('given %s, then its .dockerignore leaves in the build context every file it copies', (file) => {
  const ignore = dockerignore().add(fs.readFileSync(path.join(DOCKER, `${file}.dockerignore`), 'utf8').split('\n'));
  const sources = contextSources(file).map((source) => source.replace(/\/$/, ''));
  expect(sources.length).toBeGreaterThan(0);
  expect(sources.filter((source) => ignore.ignores(source))).toEqual([]);
});

it('given the app image, then it runs compiled JavaScript as a user other than root, under an init that passes SIGTERM on, with a HEALTHCHECK', () => {
  const instructions = parse('app.Dockerfile').getInstructions();
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  const final = instructions.slice(lastFrom);
  const args = (keyword: string) => final.filter((i) => i.getKeyword() === keyword).map((i) => i.getArguments().map((a) => a.getValue()));
  expect(final[0]?.getArguments()[0]?.getValue()).toBe(`node:${versions.node}-bookworm-slim`);
  expect(args('USER').at(-1)).toEqual(['node']);
  expect(args('ENTRYPOINT').at(-1)?.join(' ')).toContain('tini');
  expect(args('CMD').at(-1)?.join(' ')).toMatch(/^\["node", "dist\/.+\.js"\]$/);
  expect(args('HEALTHCHECK')).toHaveLength(1);
  expect(args('RUN').flat().join(' ')).not.toContain('tsx');
});

it('given the app image, then it copies beside the compiled code every file the local stack copies', () => {
  const copied = parse('app.Dockerfile')
    .getInstructions()
    .filter((i): i is Copy => i.getKeyword() === 'COPY' && (i as Copy).getFromFlag() === null)
    .map((copy) => copy.getArguments().map((a) => a.getValue()));
  expect(COMPILED_ASSETS.filter((asset) => !copied.some((args) => args[0] === asset && args[1] === `dist/${asset}`))).toEqual([]);
});

it('given the images, then their production dependencies are installed without the development ones', () => {
  const runs = parse('app.Dockerfile')
    .getInstructions()
    .filter((i) => i.getKeyword() === 'RUN')
    .map((i) =>
      i
        .getArguments()
        .map((a) => a.getValue())
        .join(' '),
    );
  expect(runs).toContain('npm ci --omit=dev --no-audit --no-fund');
});

it('given the Connect image, then it is the official Debezium Connect image at the version infra/versions.json pins', () => {
  const from = parse('connect.Dockerfile')
    .getInstructions()
    .find((i) => i.getKeyword() === 'FROM');
  expect(from?.getArguments()[0]?.getValue()).toBe(`quay.io/debezium/connect:${versions.debezium}`);
});

it('given the Kafka image, then it is the official Apache Kafka image at the version the local stack runs', () => {
  const from = parse('kafka.Dockerfile')
    .getInstructions()
    .find((i) => i.getKeyword() === 'FROM');
  expect(from?.getArguments()[0]?.getValue()).toBe(`apache/kafka:${versions.kafka}`);
});

it.each(['kafka.Dockerfile', 'connect.Dockerfile'])(
  'given %s, then it starts the JMX exporter agent the local stack runs, at the pinned version, from Maven Central',
  (file) => {
    const instructions = parse(file).getInstructions();
    const arg = instructions
      .filter((i) => i.getKeyword() === 'ARG')
      .map((i) => i.getArguments()[0]?.getValue() ?? '')
      .find((a) => a.startsWith('JMX_PROMETHEUS_JAVAAGENT='));
    expect(arg).toBe(`JMX_PROMETHEUS_JAVAAGENT=${versions.jmxPrometheusJavaagent}`);
    const added = instructions.filter((i) => i.getKeyword() === 'ADD').map((i) => i.getArguments().map((a) => a.getValue()));
    expect(added.map((args) => args[0])).toContain(
      'https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/${JMX_PROMETHEUS_JAVAAGENT}/jmx_prometheus_javaagent-${JMX_PROMETHEUS_JAVAAGENT}.jar',
    );
    const agentJar = added.find((args) => args[0]?.startsWith('https://'))?.[1];
    const env = instructions
      .filter((i) => i.getKeyword() === 'ENV')
      .map((i) =>
        i
          .getArguments()
          .map((a) => a.getValue())
          .join(' '),
      )
      .join(' ');
    expect(env).toContain(`-javaagent:${agentJar}=9404:`);
  },
);
