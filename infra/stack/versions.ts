import versionsJson from '../versions.json';

/** External component versions, pinned once in infra/versions.json. */
export interface Versions {
  readonly kafka: string;
  readonly scala: string;
  readonly slf4j: string;
  readonly debezium: string;
  readonly postgresql: string;
  readonly node: string;
  readonly jmxPrometheusJavaagent: string;
  /** Apicurio Registry (Java 17 up to 3.0.x), the schema registry of the Avro format. */
  readonly apicurioRegistry: string;
  /** Apicurio's Connect converter (the Avro converter Connect runs), in Connect's plugin path. */
  readonly apicurioConverter: string;
}

export const versions: Versions = Object.freeze({
  kafka: versionsJson.kafka,
  scala: versionsJson.scala,
  slf4j: versionsJson.slf4j,
  debezium: versionsJson.debezium,
  postgresql: versionsJson.postgresql,
  node: versionsJson.node,
  jmxPrometheusJavaagent: versionsJson.jmxPrometheusJavaagent,
  apicurioRegistry: versionsJson.apicurioRegistry,
  apicurioConverter: versionsJson.apicurioConverter,
});
