import { parseArgs } from 'node:util';
import { VIEW_NAMES, type ViewName } from './contractViews';
import { isInt64Text } from './int64Text';
import { VerifyUsageError } from './verifyErrors';

/**
 * Settings of `npm run verify`, from the environment (database URLs, LOG_LEVEL) and the command
 * line, parsed once. Every problem is listed at once, each naming its variable or option; nothing
 * else in projector/verify reads process.env.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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
  WRITE_DATABASE_URL   postgres://user:password@host:port/im_write (required)
  READ_DATABASE_URL    postgres://user:password@host:port/im_read (required)
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

type Env = Readonly<Record<string, string | undefined>>;

export function loadVerifyConfig(argv: readonly string[], env: Env = process.env): VerifyConfig {
  const problems: string[] = [];
  let values: ReturnType<typeof parseCommandLine>['values'];
  try {
    values = parseCommandLine(argv).values;
  } catch (error) {
    throw new VerifyUsageError([error instanceof Error ? error.message : String(error)]);
  }

  const config: VerifyConfig = {
    writeDatabaseUrl: databaseUrl(env, 'WRITE_DATABASE_URL', 'im_write', problems),
    readDatabaseUrl: databaseUrl(env, 'READ_DATABASE_URL', 'im_read', problems),
    views: viewList(values.views, problems),
    ...ownerList(values.users, problems),
    maxDifferences: integerOption('--max-differences', values['max-differences'], 20, 0, 1_000_000, problems),
    fetchSize: integerOption('--fetch-size', values['fetch-size'], 2_000, 1, 100_000, problems),
    output: values.json === true ? 'json' : 'text',
    logLevel: logLevel(env, problems),
    help: values.help === true,
  };
  // Asking for help must work before the environment is set up.
  if (problems.length > 0 && !config.help) throw new VerifyUsageError(problems);
  return Object.freeze(config);
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

function databaseUrl(env: Env, name: string, example: string, problems: string[]): string {
  const value = env[name]?.trim() ?? '';
  const expected = `a postgres:// or postgresql:// URL naming the database, e.g. postgres://user:password@host:5432/${example}`;
  if (value === '') {
    problems.push(`${name} is required: ${expected}`);
    return '';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may hold a password: never echo it.
    problems.push(`${name} is not a URL: ${expected}`);
    return '';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(`${name} uses ${url.protocol.replace(/:$/, '')}://; it must be ${expected}`);
  } else if (url.pathname.replace(/^\//, '') === '') {
    problems.push(`${name} names no database: ${expected}`);
  }
  return value;
}

function viewList(raw: readonly string[] | undefined, problems: string[]): readonly ViewName[] {
  if (raw === undefined) return VIEW_NAMES;
  const asked = splitList(raw);
  const unknown = asked.filter((name) => !(VIEW_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) problems.push(`--views: unknown view(s) ${unknown.join(', ')}; the views are ${VIEW_NAMES.join(', ')}`);
  if (asked.length === 0) problems.push('--views needs at least one view name');
  // Kept in the contract's order, whatever order they were asked in.
  return VIEW_NAMES.filter((name) => asked.includes(name));
}

function ownerList(raw: readonly string[] | undefined, problems: string[]): { owners?: readonly string[] } {
  if (raw === undefined) return {};
  const ids = splitList(raw);
  const bad = ids.filter((id) => !/^-?\d{1,20}$/.test(id) || !isInt64Text(BigInt(id).toString()));
  if (bad.length > 0) problems.push(`--users: ${bad.join(', ')} is not a 64-bit integer id`);
  if (ids.length === 0) problems.push('--users needs at least one user id');
  // Canonical text ("007" is 7), as PostgreSQL prints ids and the merge compares them.
  const canonical = ids.filter((id) => !bad.includes(id)).map((id) => BigInt(id).toString());
  return { owners: [...new Set(canonical)] };
}

function splitList(raw: readonly string[]): string[] {
  return raw.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

function integerOption(name: string, raw: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} ${raw} must be an integer from ${min} to ${max}`);
    return fallback;
  }
  return Number(raw);
}

function logLevel(env: Env, problems: string[]): LogLevel {
  const value = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(value)) {
    problems.push(`LOG_LEVEL=${value} must be one of ${LOG_LEVELS.join(', ')}`);
    return 'info';
  }
  return value;
}
