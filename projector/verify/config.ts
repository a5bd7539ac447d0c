import { parseArgs } from 'node:util';
import { ConfigError } from '../../infra/settings/configError';
import { accepted, refused, withPresence, type Setting } from '../../infra/settings/setting';
import { flag, integer, logLevel, LOG_LEVELS, type LogLevel } from '../../infra/settings/settingKinds';
import { createSettingsReader } from '../../infra/settings/settingsReader';
import { fromCommandLine, fromEnvironment, type Environment } from '../../infra/settings/settingSources';
import { VIEW_NAMES, type ViewName } from './contractViews';
import { isInt64Text } from './int64Text';

/**
 * Settings of `npm run verify`, from the environment (database URLs, LOG_LEVEL) and the command
 * line, parsed once. Every problem is listed at once, each naming its variable or option; nothing
 * else in projector/verify reads process.env.
 */

export type { LogLevel };

export interface VerifyConfig {
  readonly writeDatabaseUrl: string;
  readonly readDatabaseUrl: string;
  readonly views: readonly ViewName[];
  /** Owners to check (canonical int64 text), or undefined for all. */
  readonly owners?: readonly string[];
  readonly maxDifferences: number;
  readonly fetchSize: number;
  readonly output: 'text' | 'json';
  readonly logLevel: LogLevel;
  readonly help: boolean;
}

export const VERIFY_USAGE = `Usage: npm run verify -- [options]

Compares every row of the contract views in im_read with the row CONTRACT.md defines from the
current state of im_write. Run it when the write side is quiet and the projector has caught up.

Environment:
  VERIFIER_WRITE_DATABASE_URL   postgres://user:password@host:port/im_write (required)
  VERIFIER_READ_DATABASE_URL    postgres://user:password@host:port/im_read (required)
  LOG_LEVEL            ${LOG_LEVELS.join(', ')} (default info; logs go to stderr)

Options:
  --users ID,ID        check only the rows these users own
  --views NAME,NAME    check only these views (${VIEW_NAMES.join(', ')})
  --max-differences N  differences listed per view (default 20; all are counted)
  --fetch-size N       rows per FETCH (default 2000)
  --json               print the result as JSON instead of the report
  -h, --help           this text

Exit status: 0 every row matches, 1 some rows differ, 2 bad usage or a database error.
`;

const SUBJECT = 'arguments or settings';

export function loadVerifyConfig(argv: readonly string[], env: Environment = process.env): VerifyConfig {
  let values: ReturnType<typeof parseCommandLine>['values'];
  try {
    values = parseCommandLine(argv).values;
  } catch (error) {
    throw new ConfigError([error instanceof Error ? error.message : String(error)], SUBJECT);
  }

  const reader = createSettingsReader(SUBJECT);
  const urls = reader.read(fromEnvironment(env), {
    VERIFIER_WRITE_DATABASE_URL: databaseUrl('im_write'),
    VERIFIER_READ_DATABASE_URL: databaseUrl('im_read'),
  });
  const options = reader.read(fromCommandLine(values), {
    views: VIEW_LIST,
    users: OWNER_LIST,
    'max-differences': integer({ default: 20, min: 0, max: 1_000_000 }),
    'fetch-size': integer({ default: 2_000, min: 1, max: 100_000 }),
    json: flag(),
    help: flag(),
  });
  const { LOG_LEVEL } = reader.read(fromEnvironment(env), { LOG_LEVEL: logLevel() });
  // Asking for help must work before the environment is set up.
  if (!options.help) reader.check();
  return Object.freeze({
    writeDatabaseUrl: urls.VERIFIER_WRITE_DATABASE_URL,
    readDatabaseUrl: urls.VERIFIER_READ_DATABASE_URL,
    views: options.views,
    ...(options.users === undefined ? {} : { owners: options.users }),
    maxDifferences: options['max-differences'],
    fetchSize: options['fetch-size'],
    output: options.json ? 'json' : 'text',
    logLevel: LOG_LEVEL,
    help: options.help,
  });
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      users: { type: 'string', multiple: true },
      views: { type: 'string', multiple: true },
      'max-differences': { type: 'string' },
      'fetch-size': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * Stricter than the services' URL check: verify is run by hand against databases it did not
 * start, so the problem says exactly what is wrong (no URL, another scheme, no database named).
 */
function databaseUrl(example: string): Setting<string> {
  const expected = `a postgres:// or postgresql:// URL naming the database, e.g. postgres://user:password@host:5432/${example}`;
  return withPresence(
    (value, { name }) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        // The value may hold a password: never echo it.
        return refused(value, `${name} is not a URL: ${expected}`);
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        return refused(value, `${name} uses ${url.protocol.replace(/:$/, '')}://; it must be ${expected}`);
      }
      if (url.pathname.replace(/^\//, '') === '') return refused(value, `${name} names no database: ${expected}`);
      return accepted(value);
    },
    {},
    '',
    `: ${expected}`,
  );
}

/** --views: kept in the contract's order, whatever order they were asked in. */
const VIEW_LIST: Setting<readonly ViewName[]> = withPresence(
  (raw, { name }) => {
    const asked = splitList(raw);
    const views = VIEW_NAMES.filter((view) => asked.includes(view));
    const unknown = asked.filter((view) => !(VIEW_NAMES as readonly string[]).includes(view));
    if (unknown.length > 0) return refused(views, `${name}: unknown view(s) ${unknown.join(', ')}; the views are ${VIEW_NAMES.join(', ')}`);
    if (asked.length === 0) return refused(views, `${name} needs at least one view name`);
    return accepted(views);
  },
  { default: VIEW_NAMES },
  VIEW_NAMES,
);

/** --users: canonical text ("007" is 7), as PostgreSQL prints ids and the merge compares them. */
const OWNER_LIST: Setting<readonly string[] | undefined> = withPresence<readonly string[] | undefined>(
  (raw, { name }) => {
    const ids = splitList(raw);
    const bad = ids.filter((id) => !/^-?\d{1,20}$/.test(id) || !isInt64Text(BigInt(id).toString()));
    const owners = [...new Set(ids.filter((id) => !bad.includes(id)).map((id) => BigInt(id).toString()))];
    if (bad.length > 0) return refused(owners, `${name}: ${bad.join(', ')} is not a 64-bit integer id`);
    if (ids.length === 0) return refused(owners, `${name} needs at least one user id`);
    return accepted(owners);
  },
  { default: undefined },
  undefined,
);

function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
