import { optional } from './setting';
import { httpUrl, oneOf } from './settingKinds';
import type { SettingsReader } from './settingsReader';
import type { SettingSource } from './settingSources';

/** The record formats the pipeline runs in: JSON (Connect's JsonConverter, no schemas) or Avro through a schema registry. */
export type CdcFormat = 'json' | 'avro';
export const CDC_FORMATS: readonly CdcFormat[] = ['json', 'avro'];

/** The format, with where Avro's schemas are read (a Confluent-compatible API such as Apicurio's `/apis/ccompat/v7`). */
export type CdcFormatSettings = { readonly format: 'json' } | { readonly format: 'avro'; readonly schemaRegistryUrl: string };

/** The settings that pick the format, for every part that reads CDC records or registers the connector. */
export const CDC_FORMAT_SETTING_NAMES = ['CDC_FORMAT', 'SCHEMA_REGISTRY_URL'] as const;

/** CDC_FORMAT (json by default) and, for avro, SCHEMA_REGISTRY_URL, which it then requires. */
export function readCdcFormat(reader: SettingsReader, source: SettingSource): CdcFormatSettings {
  const s = reader.read(source, {
    CDC_FORMAT: oneOf(CDC_FORMATS, { default: 'json' }),
    SCHEMA_REGISTRY_URL: optional(httpUrl()),
  });
  if (s.CDC_FORMAT === 'json') return Object.freeze({ format: 'json' });
  if (s.SCHEMA_REGISTRY_URL === undefined) {
    reader.problem(
      `${source.label('SCHEMA_REGISTRY_URL').name} is required when CDC_FORMAT is avro (the registry's Confluent-compatible API)`,
    );
    return Object.freeze({ format: 'avro', schemaRegistryUrl: '' });
  }
  return Object.freeze({ format: 'avro', schemaRegistryUrl: s.SCHEMA_REGISTRY_URL.replace(/\/+$/, '') });
}

/** Debezium names Avro record schemas after the topic prefix: Avro names allow letters, digits and '_' only. */
export function isAvroName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
}
