import { parseArgs } from 'node:util';
import { ConfigError } from '../../infra/settings/configError';
import { optional } from '../../infra/settings/setting';
import { integer, text } from '../../infra/settings/settingKinds';
import { readSettings } from '../../infra/settings/settingsReader';
import { fromCommandLine } from '../../infra/settings/settingSources';

export interface WorkloadOptions {
  readonly users: number;
  /** Commands per second, all kinds together (user creation included). */
  readonly rate: number;
  readonly durationSeconds: number;
  /** A running write API; when absent the workload starts one in-process on WRITER_DATABASE_URL. */
  readonly url: string | undefined;
  readonly seed: number;
  readonly concurrency: number;
  /** Snowflake worker id of the in-process API, clear of a separately started one (default 0). */
  readonly workerId: number;
}

export const USAGE = `usage: npm run workload -- --users N --rate R --duration S [options]

  --users N         users to create first, then act as (default 200)
  --rate R          commands per second, at most (default 200)
  --duration S      seconds to run (default 20)
  --url URL         drive a running write API; without it one starts in-process on WRITER_DATABASE_URL
  --seed X          seed of the traffic's randomness (default: random, printed)
  --concurrency C   requests in flight at most (default 64)
  --worker-id W     id worker of the in-process API (default 1023)`;

const SUBJECT = 'workload options';

/** Parses the command line; every problem is listed in one ConfigError. */
export function parseWorkloadOptions(
  argv: readonly string[],
  randomSeed: () => number = () => Math.floor(Math.random() * 2 ** 31),
): WorkloadOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        users: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        url: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        'worker-id': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError([error instanceof Error ? error.message : String(error)], SUBJECT);
  }

  const s = readSettings(
    fromCommandLine({ ...values, ...(values.url === undefined ? {} : { url: values.url.replace(/\/+$/, '') }) }),
    {
      users: integer({ default: 200, min: 2, max: 1_000_000 }),
      rate: integer({ default: 200, min: 1, max: 100_000 }),
      duration: integer({ default: 20, min: 1, max: 86_400 }),
      url: optional(text({ pattern: /^https?:\/\/\S+$/, mismatch: 'must be an http(s) URL' })),
      seed: integer({ default: randomSeed(), min: 0, max: 2 ** 31 - 1 }),
      concurrency: integer({ default: 64, min: 1, max: 10_000 }),
      'worker-id': integer({ default: 1023, min: 0, max: 1023 }),
    },
    SUBJECT,
  );
  return {
    users: s.users,
    rate: s.rate,
    durationSeconds: s.duration,
    url: s.url,
    seed: s.seed,
    concurrency: s.concurrency,
    workerId: s['worker-id'],
  };
}
