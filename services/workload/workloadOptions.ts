import { parseArgs } from 'node:util';

export interface WorkloadOptions {
  readonly users: number;
  /** Commands per second, all kinds together (user creation included). */
  readonly rate: number;
  readonly durationSeconds: number;
  /** A running write API; when absent the workload starts one in-process on WRITE_DATABASE_URL. */
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
  --url URL         drive a running write API; without it one starts in-process on WRITE_DATABASE_URL
  --seed X          seed of the traffic's randomness (default: random, printed)
  --concurrency C   requests in flight at most (default 64)
  --worker-id W     id worker of the in-process API (default 1023)`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the command line; every problem is listed in one UsageError. */
export function parseWorkloadOptions(argv: readonly string[], randomSeed: () => number = () => Math.floor(Math.random() * 2 ** 31)): WorkloadOptions {
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
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const problems: string[] = [];
  const integer = (flag: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`--${flag} ${raw} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };
  const options: WorkloadOptions = {
    users: integer('users', values.users, 200, 2, 1_000_000),
    rate: integer('rate', values.rate, 200, 1, 100_000),
    durationSeconds: integer('duration', values.duration, 20, 1, 86_400),
    url: values.url?.replace(/\/+$/, ''),
    seed: integer('seed', values.seed, randomSeed(), 0, 2 ** 31 - 1),
    concurrency: integer('concurrency', values.concurrency, 64, 1, 10_000),
    workerId: integer('worker-id', values['worker-id'], 1023, 0, 1023),
  };
  if (options.url !== undefined && !/^https?:\/\/\S+$/.test(options.url)) problems.push(`--url ${options.url} must be an http(s) URL`);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return options;
}
