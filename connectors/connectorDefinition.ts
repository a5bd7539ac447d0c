import fs from 'node:fs';
import path from 'node:path';
import type { CdcFormat } from '../infra/settings/cdcFormatSettings';

/** A connector as stored in connectors/*.json: its name and its Connect config. */
export interface ConnectorDefinition {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
}

export function loadConnectorDefinition(
  file = path.join(__dirname, 'im-write.json'),
  { nameless = false }: { nameless?: boolean } = {},
): ConnectorDefinition {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; config?: unknown };
  if ((!nameless && typeof parsed.name !== 'string') || typeof parsed.config !== 'object' || parsed.config === null) {
    throw new Error(`${file}: expected {${nameless ? '' : '"name": string, '}"config": {...}}`);
  }
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.config)) {
    if (typeof value !== 'string') throw new Error(`${file}: config.${key} must be a string (Connect configs are strings)`);
    config[key] = value;
  }
  return { name: typeof parsed.name === 'string' ? parsed.name : '', config };
}

/** The same connector under another name (a test's own slot, publication and topics). */
export function withOverrides(
  definition: ConnectorDefinition,
  name: string,
  overrides: Readonly<Record<string, string>>,
): ConnectorDefinition {
  return { name, config: { ...definition.config, ...overrides } };
}

/** The connector in a format: JSON is the definition as it is; Avro lays connectors/avro-format.json over it. */
export function inFormat(
  definition: ConnectorDefinition,
  format: CdcFormat,
  file = path.join(__dirname, 'avro-format.json'),
): ConnectorDefinition {
  if (format === 'json') return definition;
  const overlay = loadConnectorDefinition(file, { nameless: true });
  return { name: definition.name, config: { ...definition.config, ...overlay.config } };
}

/**
 * A twin of a connector beside it, in `format`: the same tables under another name, with a slot,
 * topics and notification topic of its own named `name` (an Avro namespace too), streaming from
 * its start without a snapshot. `overrides` last (another database, say).
 */
export function twinInFormat(
  definition: ConnectorDefinition,
  name: string,
  format: CdcFormat,
  overrides: Readonly<Record<string, string>> = {},
): ConnectorDefinition {
  return inFormat(
    withOverrides(definition, name, {
      'slot.name': name,
      'topic.prefix': name,
      'snapshot.mode': 'no_data',
      'notification.sink.topic.name': `${name}.debezium.notifications`,
      ...overrides,
    }),
    format,
  );
}
