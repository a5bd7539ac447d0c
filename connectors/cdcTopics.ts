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
  const groups = (config['topic.creation.groups'] ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  return tables.map((table) => {
    const topic = `${prefix}.${table}`;
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
  });
}

/** Creates the connector's topics that do not exist yet; returns the ones it made. */
export async function ensureCdcTopics(admin: Admin, definition: ConnectorDefinition): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = cdcTopics(definition).filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  return missing.map((t) => t.topic);
}

function required(config: Readonly<Record<string, string>>, key: string): string {
  const value = config[key];
  if (value === undefined || value === '') throw new Error(`connector config has no ${key}`);
  return value;
}
