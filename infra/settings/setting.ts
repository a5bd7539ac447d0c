/**
 * One setting's schema: how a raw value (an environment variable, a command-line option) is
 * checked and turned into a typed value. Kinds live in settingKinds.ts; a program may declare
 * its own (verify's view list). A refused value still yields a fallback, so that reading goes on
 * and every problem is reported at once.
 */
export interface Setting<T> {
  read(raw: string | undefined, label: SettingLabel): Reading<T>;
}

/** How a problem names the setting it is about. */
export interface SettingLabel {
  /** HTTP_PORT, --fetch-size */
  readonly name: string;
  /** HTTP_PORT=70000, --fetch-size 0: only for values that are no secret. */
  withValue(value: string): string;
}

export interface Reading<T> {
  readonly value: T;
  readonly problem?: string;
}

export type SettingValue<S> = S extends Setting<infer T> ? T : never;

export const accepted = <T>(value: T): Reading<T> => ({ value });
export const refused = <T>(fallback: T, problem: string): Reading<T> => ({ value: fallback, problem });

/** A present value's check; absence is decided by `withPresence`. */
export type ParseValue<T> = (raw: string, label: SettingLabel) => Reading<T>;

/** `default` given: used when the setting is absent. Not given: the setting is required. */
export interface Presence<T> {
  readonly default?: T;
}

/**
 * A setting from a parser of present values: an absent one takes its default, or is a problem
 * ('X is required', plus `requiredBecause` when the reason is not obvious).
 */
export function withPresence<T>(parse: ParseValue<T>, presence: Presence<T>, fallback: T, requiredBecause = ''): Setting<T> {
  return {
    read(raw, label) {
      if (raw !== undefined) return parse(raw, label);
      if ('default' in presence) return accepted(presence.default as T);
      return refused(fallback, `${label.name} is required${requiredBecause}`);
    },
  };
}

/** The setting may be absent: undefined then, and the program decides (a derived default). */
export function optional<T>(setting: Setting<T>): Setting<T | undefined> {
  return { read: (raw, label) => (raw === undefined ? accepted(undefined) : setting.read(raw, label)) };
}
