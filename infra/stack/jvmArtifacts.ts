import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StackConfig } from './config';
import { versions } from './versions';

export interface JvmArtifacts {
  /** Classpath of the Kafka broker, its tools and the Connect worker. */
  readonly classpath: string;
  /** Connect's plugin.path, holding the unpacked Debezium PostgreSQL connector. */
  readonly pluginPath: string;
  /** The Prometheus JMX exporter Java agent (Kafka's, Connect's and Debezium's metrics). */
  readonly metricsAgent: string;
  /** The schema registry's runnable jar (Apicurio Registry, with its lib/ beside it). */
  readonly registryJar: string;
}

const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';

/**
 * Fetches Kafka, Connect and the Debezium plugin from Maven Central through infra/jvm/pom.xml,
 * once per set of versions; later calls reuse the cache (and Maven's own ~/.m2).
 */
export function ensureJvmArtifacts(config: StackConfig, log: Logger): JvmArtifacts {
  const cache = config.jvmCacheDir;
  const libs = path.join(cache, 'libs');
  const plugins = path.join(cache, 'plugins');
  const stamp = path.join(cache, 'versions.json');
  const wanted = JSON.stringify({
    kafka: versions.kafka,
    scala: versions.scala,
    slf4j: versions.slf4j,
    debezium: versions.debezium,
    jmxPrometheusJavaagent: versions.jmxPrometheusJavaagent,
    apicurioRegistry: versions.apicurioRegistry,
    apicurioConverter: versions.apicurioConverter,
  });
  const registryDir = path.join(cache, 'registry');
  const registryJar = path.join(registryDir, `apicurio-registry-app-${versions.apicurioRegistry}-runner.jar`);
  const metricsAgent = path.join(cache, 'agents', `jmx_prometheus_javaagent-${versions.jmxPrometheusJavaagent}.jar`);

  const expected = [
    path.join(libs, `kafka_${versions.scala}-${versions.kafka}.jar`),
    path.join(libs, `connect-runtime-${versions.kafka}.jar`),
    path.join(plugins, 'debezium-connector-postgres', `debezium-connector-postgres-${versions.debezium}.jar`),
    metricsAgent,
    path.join(plugins, 'apicurio-converter', `apicurio-registry-utils-converter-${versions.apicurioConverter}.jar`),
    registryJar,
  ];
  const cached = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted && expected.every((f) => fs.existsSync(f));
  if (!cached) {
    log.info({ kafka: versions.kafka, debezium: versions.debezium }, 'fetching JVM artifacts with maven');
    fs.rmSync(cache, { recursive: true, force: true });
    const started = Date.now();
    const jvmDir = path.join(config.rootDir, 'infra', 'jvm');
    runMaven('the JVM artifacts', [
      '-f',
      path.join(jvmDir, 'pom.xml'),
      `-Dstack.cache=${cache}`,
      `-Dkafka.version=${versions.kafka}`,
      `-Dscala.version=${versions.scala}`,
      `-Dslf4j.version=${versions.slf4j}`,
      `-Ddebezium.version=${versions.debezium}`,
      `-Djmx.exporter.version=${versions.jmxPrometheusJavaagent}`,
    ]);
    runMaven('the Avro converter', [
      '-s',
      path.join(jvmDir, 'central-only.xml'),
      '-f',
      path.join(jvmDir, 'avro-converter', 'pom.xml'),
      `-Dstack.cache=${cache}`,
      `-Dapicurio.converter.version=${versions.apicurioConverter}`,
    ]);
    fetchRegistry(registryDir);
    const missing = expected.filter((f) => !fs.existsSync(f));
    if (missing.length > 0) throw new Error(`maven ran but these are missing: ${missing.join(', ')}`);
    fs.writeFileSync(stamp, wanted);
    log.info({ ms: Date.now() - started }, 'JVM artifacts ready');
  }

  const jars = fs.readdirSync(libs).filter((f) => f.endsWith('.jar'));
  return { classpath: jars.map((j) => path.join(libs, j)).join(':'), pluginPath: plugins, metricsAgent, registryJar };
}

/** One `mvn generate-resources` of the project's JVM files; a failure says what it was fetching, with Maven's output. */
function runMaven(what: string, args: readonly string[]): void {
  const mvn = spawnSync('mvn', ['-B', '-q', ...args, 'generate-resources'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (mvn.status !== 0) throw new Error(`maven could not fetch ${what} (exit ${mvn.status}):\n${mvn.stdout}\n${mvn.stderr}`);
}

/**
 * The registry's Quarkus distribution from Maven Central, checked against Central's SHA-1 and
 * unpacked. Fetched directly, not through Maven: the parent POM of this version is not on
 * Central, so Maven cannot resolve the artifact although the archive is there.
 */
function fetchRegistry(dir: string): void {
  const v = versions.apicurioRegistry;
  const url = `${MAVEN_CENTRAL}/io/apicurio/apicurio-registry-app/${v}/apicurio-registry-app-${v}-all.tar.gz`;
  fs.mkdirSync(dir, { recursive: true });
  const archive = path.join(dir, 'registry.tar.gz');
  const download = (target: string, from: string) => {
    const curl = spawnSync('curl', ['-fsSL', '--retry', '3', '-o', target, from], { encoding: 'utf8' });
    if (curl.status !== 0) throw new Error(`could not download ${from} (curl exit ${curl.status}): ${curl.stderr}`);
  };
  download(archive, url);
  download(`${archive}.sha1`, `${url}.sha1`);
  const expected = fs.readFileSync(`${archive}.sha1`, 'utf8').trim().split(/\s+/)[0];
  const actual = crypto.createHash('sha1').update(fs.readFileSync(archive)).digest('hex');
  if (actual !== expected) throw new Error(`${url}: SHA-1 ${actual}, Maven Central says ${expected}`);
  const tar = spawnSync('tar', ['-xzf', archive, '-C', dir], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not unpack ${archive}: ${tar.stderr}`);
  fs.rmSync(archive);
  fs.rmSync(`${archive}.sha1`);
}
