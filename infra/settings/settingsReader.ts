import { ConfigError } from './configError';
import type { Setting, SettingValue } from './setting';
import type { SettingSource } from './settingSources';

/** Settings by the key their source knows them by (HTTP_PORT, fetch-size), in the order read. */
export type SettingsSchema = Readonly<Record<string, Setting<unknown>>>;
export type SettingsOf<S extends SettingsSchema> = { readonly [K in keyof S]: SettingValue<S[K]> };

/**
 * Reads settings against their schemas and keeps every problem, so that a program lists all of
 * them at start-up instead of stopping at the first. Several schemas (and sources) may be read
 * in turn when which settings apply depends on others.
 */
export interface SettingsReader {
  read<S extends SettingsSchema>(source: SettingSource, schema: S): SettingsOf<S>;
  /** A problem no single setting shows: settings that contradict each other. */
  problem(text: string): void;
  readonly problems: readonly string[];
  /** Throws one ConfigError listing every problem found so far, if any. */
  check(): void;
}

export function createSettingsReader(subject?: string): SettingsReader {
  const problems: string[] = [];
  return {
    problems,
    read<S extends SettingsSchema>(source: SettingSource, schema: S): SettingsOf<S> {
      const values: Record<string, unknown> = {};
      for (const [key, setting] of Object.entries(schema)) {
        const reading = setting.read(source.raw(key), source.label(key));
        if (reading.problem !== undefined) problems.push(reading.problem);
        values[key] = reading.value;
      }
      return values as SettingsOf<S>;
    },
    problem(text) {
      problems.push(text);
    },
    check() {
      if (problems.length > 0) throw new ConfigError([...problems], subject);
    },
  };
}

/** One source against one schema: the values, or a ConfigError listing every problem. */
export function readSettings<S extends SettingsSchema>(source: SettingSource, schema: S, subject?: string): SettingsOf<S> {
  const reader = createSettingsReader(subject);
  const values = reader.read(source, schema);
  reader.check();
  return values;
}
