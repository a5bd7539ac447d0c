import { spawnSync } from 'node:child_process';
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
}

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
  });
  const metricsAgent = path.join(cache, 'agents', `jmx_prometheus_javaagent-${versions.jmxPrometheusJavaagent}.jar`);

  const expected = [
    path.join(libs, `kafka_${versions.scala}-${versions.kafka}.jar`),
    path.join(libs, `connect-runtime-${versions.kafka}.jar`),
    path.join(plugins, 'debezium-connector-postgres', `debezium-connector-postgres-${versions.debezium}.jar`),
    metricsAgent,
  ];
  const cached = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted && expected.every((f) => fs.existsSync(f));
  if (!cached) {
    log.info({ kafka: versions.kafka, debezium: versions.debezium }, 'fetching JVM artifacts with maven');
    fs.rmSync(cache, { recursive: true, force: true });
    const started = Date.now();
    const mvn = spawnSync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        path.join(config.rootDir, 'infra', 'jvm', 'pom.xml'),
        'generate-resources',
        `-Dstack.cache=${cache}`,
        `-Dkafka.version=${versions.kafka}`,
        `-Dscala.version=${versions.scala}`,
        `-Dslf4j.version=${versions.slf4j}`,
        `-Ddebezium.version=${versions.debezium}`,
        `-Djmx.exporter.version=${versions.jmxPrometheusJavaagent}`,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (mvn.status !== 0) {
      throw new Error(`maven could not fetch the JVM artifacts (exit ${mvn.status}):\n${mvn.stdout}\n${mvn.stderr}`);
    }
    const missing = expected.filter((f) => !fs.existsSync(f));
    if (missing.length > 0) throw new Error(`maven ran but these are missing: ${missing.join(', ')}`);
    fs.writeFileSync(stamp, wanted);
    log.info({ ms: Date.now() - started }, 'JVM artifacts ready');
  }

  const jars = fs.readdirSync(libs).filter((f) => f.endsWith('.jar'));
  return { classpath: jars.map((j) => path.join(libs, j)).join(':'), pluginPath: plugins, metricsAgent };
}
