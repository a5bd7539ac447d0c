import type { Admin, ITopicConfig } from 'kafkajs';
import type { ConnectorDefinition } from './connectorDefinition';

/**
 * The topics a connector writes to, with the settings its `topic.creation.*` groups give them.
 * Connect makes a topic only when its first record arrives; creating them up front lets the
 * projector subscribe before every table has a row.
 */
export function cdcTopics(definition: ConnectorDefinition): ITopicConfig[] {
  const config = definition.config;
  const prefix = required(config, 'topic.prefix');
  const tables = required(config, 'table.include.list')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return tables.map((table) => topicConfig(definition, `${prefix}.${table}`));
}

/** A topic with the settings of the first `topic.creation.*` group whose include pattern matches it. */
function topicConfig(definition: ConnectorDefinition, topic: string): ITopicConfig {
  const config = definition.config;
  const groups = (config['topic.creation.groups'] ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  const group = groups.find((g) => new RegExp(`^(?:${config[`topic.creation.${g}.include`] ?? '$^'})$`).test(topic)) ?? 'default';
  const setting = (name: string) => config[`topic.creation.${group}.${name}`] ?? config[`topic.creation.default.${name}`];
  const configEntries = ['cleanup.policy', 'retention.ms']
    .map((name) => ({ name, value: setting(name) }))
    .filter((entry): entry is { name: string; value: string } => entry.value !== undefined);
  return {
    topic,
    numPartitions: Number(setting('partitions') ?? 1),
    replicationFactor: Number(setting('replication.factor') ?? 1),
    configEntries,
  };
}

/**
 * Debezium's notification topic (`notification.sink.topic.name`), if the connector has one. Made
 * up front too: with one partition its notifications keep their order (they are keyed by a random
 * id), so "completed" is never read before the tables' "done".
 */
export function notificationTopic(definition: ConnectorDefinition): ITopicConfig | undefined {
  const name = definition.config['notification.sink.topic.name'];
  return name === undefined ? undefined : topicConfig(definition, name);
}

/** Creates the connector's topics that do not exist yet; returns the ones it made. */
export async function ensureCdcTopics(admin: Admin, definition: ConnectorDefinition): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const notifications = notificationTopic(definition);
  const wanted = notifications === undefined ? cdcTopics(definition) : [...cdcTopics(definition), notifications];
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  return missing.map((t) => t.topic);
}

function required(config: Readonly<Record<string, string>>, key: string): string {
  const value = config[key];
  if (value === undefined || value === '') throw new Error(`connector config has no ${key}`);
  return value;
}
