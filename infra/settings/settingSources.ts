import type { SettingLabel } from './setting';

/** Where settings are read from, and how a problem names one of them. */
export interface SettingSource {
  /** The value as given, or undefined when the setting is absent. */
  raw(key: string): string | undefined;
  label(key: string): SettingLabel;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Environment variables, trimmed; a blank one counts as unset (`FOO= npm start`). */
export function fromEnvironment(env: Environment): SettingSource {
  return {
    raw(key) {
      const value = env[key]?.trim();
      return value === undefined || value === '' ? undefined : value;
    },
    label: (key) => ({ name: key, withValue: (value) => `${key}=${value}` }),
  };
}

export type CommandLineValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

/**
 * Options as node:util parseArgs returns them, by long name without dashes. A flag given reads
 * as 'true'; an option given more than once reads as a comma list of its values.
 */
export function fromCommandLine(values: CommandLineValues): SettingSource {
  return {
    raw(key) {
      const value = values[key];
      if (value === undefined || value === false) return undefined;
      if (value === true) return 'true';
      return typeof value === 'string' ? value : value.join(',');
    },
    label: (key) => ({ name: `--${key}`, withValue: (value) => `--${key} ${value}` }),
  };
}
