import { optional } from './setting';
import { httpUrl, oneOf } from './settingKinds';
import type { SettingsReader } from './settingsReader';
import type { SettingSource } from './settingSources';

/** The record formats the pipeline runs in: JSON (Connect's JsonConverter, no schemas) or Avro through a schema registry. */
export type CdcFormat = 'json' | 'avro';
export const CDC_FORMATS: readonly CdcFormat[] = ['json', 'avro'];

/**
 * The format the connector writes, and where Avro's schemas are read (a Confluent-compatible API such
 * as Apicurio's `/apis/ccompat/v7`): required for Avro, optional for JSON (a reader that knows it
 * still reads the Avro records a topic kept from before a switch back to JSON).
 */
export interface CdcFormatSettings {
  readonly format: CdcFormat;
  readonly schemaRegistryUrl: string | undefined;
}

/** The settings that pick the format, for every part that reads CDC records or registers the connector. */
export const CDC_FORMAT_SETTING_NAMES = ['CDC_FORMAT', 'SCHEMA_REGISTRY_URL'] as const;

/** CDC_FORMAT (json by default) and SCHEMA_REGISTRY_URL, which avro requires. */
export function readCdcFormat(reader: SettingsReader, source: SettingSource): CdcFormatSettings {
  const s = reader.read(source, {
    CDC_FORMAT: oneOf(CDC_FORMATS, { default: 'json' }),
    SCHEMA_REGISTRY_URL: optional(httpUrl()),
  });
  if (s.CDC_FORMAT === 'avro' && s.SCHEMA_REGISTRY_URL === undefined) {
    reader.problem(
      `${source.label('SCHEMA_REGISTRY_URL').name} is required when CDC_FORMAT is avro (the registry's Confluent-compatible API)`,
    );
  }
  return Object.freeze({ format: s.CDC_FORMAT, schemaRegistryUrl: s.SCHEMA_REGISTRY_URL?.replace(/\/+$/, '') });
}

/**
 * Debezium names Avro record schemas after the topic prefix (it is their namespace): each of its
 * dot-separated parts must be an Avro name, letters, digits and '_', not starting with a digit.
 */
export function isAvroName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(text);
}
