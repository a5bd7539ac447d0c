import { isIP } from 'node:net';
import { accepted, refused, withPresence, type Presence, type Setting } from './setting';

/** The kinds of setting the project's programs read; each problem names the setting. */

/** The entries of a comma list, trimmed, empty ones dropped. */
const commaList = (raw: string): string[] =>
  raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

export interface TextOptions extends Presence<string> {
  /** What a present value must match, and how a problem says it does not. */
  readonly pattern?: RegExp;
  readonly mismatch?: string;
}

export function text({ pattern, mismatch = `must match ${String(pattern)}`, ...presence }: TextOptions = {}): Setting<string> {
  return withPresence(
    (raw, label) => (pattern === undefined || pattern.test(raw) ? accepted(raw) : refused(raw, `${label.withValue(raw)} ${mismatch}`)),
    presence,
    '',
  );
}

/** An http:// or https:// URL (Kafka Connect's REST API). */
export const httpUrl = (presence: Presence<string> = {}): Setting<string> =>
  text({ pattern: /^https?:\/\/\S+$/, mismatch: 'must be an http:// or https:// URL', ...presence });

/** A Kafka group or topic name, a database user: nothing a shell or a URL would read specially. */
export const name = (presence: Presence<string> = {}): Setting<string> =>
  text({ ...presence, pattern: /^[A-Za-z0-9._-]+$/, mismatch: "may hold only letters, digits, '.', '_' and '-'" });

/** A host to listen on or connect to: a name, an IPv4 or an IPv6 address. */
export const host = (presence: Presence<string> = {}): Setting<string> =>
  text({ ...presence, pattern: /^[A-Za-z0-9.:\-[\]]+$/, mismatch: 'is not a host name or address' });

export interface IntegerOptions extends Presence<number> {
  readonly min: number;
  readonly max: number;
}

/** Decimal digits only: '1e3', '0x10' and '-1' are refused, not read as numbers. */
export function integer({ min, max, ...presence }: IntegerOptions): Setting<number> {
  return withPresence(
    (raw, label) =>
      /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max
        ? accepted(Number(raw))
        : refused(presence.default ?? min, `${label.withValue(raw)} must be an integer from ${min} to ${max}`),
    presence,
    min,
  );
}

export function oneOf<const T extends string>(values: readonly T[], presence: Presence<T> = {}): Setting<T> {
  const fallback = presence.default ?? (values[0] as T);
  return withPresence(
    (raw, label) =>
      (values as readonly string[]).includes(raw)
        ? accepted(raw as T)
        : refused(fallback, `${label.withValue(raw)} must be one of ${values.join(', ')}`),
    presence,
    fallback,
  );
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** pino's levels; info unless set. */
export const logLevel = (): Setting<LogLevel> => oneOf(LOG_LEVELS, { default: 'info' });

/** Present at all (a command-line flag): true. */
export const flag = (): Setting<boolean> => ({ read: (raw) => accepted(raw !== undefined) });

/** A comma list of known words, kept in the order `values` gives; the known ones even when some are not. */
export function choiceList<const T extends string>(values: readonly T[], presence: Presence<readonly T[]> = {}): Setting<readonly T[]> {
  return withPresence(
    (raw, label) => {
      const listed = raw.split(',').map((word) => word.trim());
      const known = values.filter((value) => listed.includes(value));
      const unknown = listed.filter((word) => !(values as readonly string[]).includes(word));
      return unknown.length === 0
        ? accepted(known)
        : refused(known, `${label.withValue(raw)} must be a comma list of ${values.join(', ')}`);
    },
    presence,
    [],
  );
}

/** Kafka bootstrap servers: a comma list of host:port. */
export function hostPortList(presence: Presence<readonly string[]> = {}): Setting<readonly string[]> {
  return withPresence(
    (raw, label) => {
      const entries = commaList(raw);
      const bad = entries.filter((entry) => !/^[^:\s]+:\d+$/.test(entry));
      if (bad.length > 0)
        return refused(entries, `${label.name} ${bad.length === 1 ? 'entry' : 'entries'} ${bad.join(', ')} must be host:port`);
      return entries.length > 0 ? accepted(entries) : refused(entries, `${label.withValue(raw)} names no host:port`);
    },
    presence,
    [],
  );
}

export interface PostgresUrlOptions {
  /** The database the URL should name, for the example in the problem. */
  readonly database: string;
  /** Why it is required, when that depends on other settings ('the query API'). */
  readonly requiredFor?: string;
}

/** A PostgreSQL connection URL. Never echoed in a problem: it may hold a password. */
export function postgresUrl({ database, requiredFor }: PostgresUrlOptions): Setting<string> {
  const because = `${requiredFor === undefined ? '' : ` for ${requiredFor}`} (postgres://user:password@host:port/${database})`;
  return withPresence(
    (raw, label) =>
      /^postgres(ql)?:\/\/\S+$/.test(raw) && URL.canParse(raw)
        ? accepted(raw)
        : // The value is not repeated: it may hold a password.
          refused('', `${label.name} must be a postgres:// or postgresql:// URL`),
    {},
    '',
    because,
  );
}

/** A signing key or password: long enough, and never echoed. */
export function secret({ minLength, purpose }: { minLength: number; purpose: string }): Setting<string | undefined> {
  return {
    read: (raw, label) =>
      raw === undefined || raw.length >= minLength
        ? accepted(raw)
        : refused(raw, `${label.name} must be at least ${minLength} characters (${purpose})`),
  };
}

/** Keys no longer used to sign but still accepted: a comma list, each long enough; never echoed. */
export function secretList({ minLength, purpose }: { minLength: number; purpose: string }): Setting<readonly string[]> {
  return withPresence(
    (raw, label) => {
      const keys = commaList(raw);
      const short = keys.filter((key) => key.length < minLength).length;
      return short === 0
        ? accepted(keys)
        : refused([], `${label.name}: ${short} of its keys are shorter than ${minLength} characters (${purpose})`);
    },
    { default: [] },
    [],
  );
}

/** Browser origins (scheme://host[:port]), a comma list; none unless set. */
export function originList(): Setting<readonly string[]> {
  return withPresence(
    (raw, label) => {
      const origins = commaList(raw);
      const bad = origins.filter((origin) => !URL.canParse(origin) || new URL(origin).origin !== origin);
      return bad.length === 0
        ? accepted(origins)
        : refused([], `${label.name}: ${bad.join(', ')} must be origins such as https://app.example.com`);
    },
    { default: [] },
    [],
  );
}

/** Addresses or CIDR ranges (proxies trusted to say who the client is); none unless set. */
export function addressList(): Setting<readonly string[]> {
  return withPresence(
    (raw, label) => {
      const entries = commaList(raw);
      const bad = entries.filter((entry) => {
        const [address = '', bits, extra] = entry.split('/');
        const version = isIP(address);
        return (
          version === 0 ||
          extra !== undefined ||
          (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128)))
        );
      });
      if (bad.length > 0) return refused([], `${label.name}: ${bad.join(', ')} must be IP addresses or CIDR ranges`);
      // Trusting every address would let any client name itself in X-Forwarded-For.
      const everyone = entries.filter((entry) => entry.endsWith('/0'));
      return everyone.length === 0 ? accepted(entries) : refused([], `${label.name}: ${everyone.join(', ')} would trust every address`);
    },
    { default: [] },
    [],
  );
}
