import pino from 'pino';
import { ConfigError, loadWriteApiConfig, writeApiOnly } from '../config';
import { startServices, type RunningServices } from '../startServices';
import { parseWorkloadOptions, USAGE } from './workloadOptions';
import { workloadReport } from './workloadReport';
import { runWorkload } from './workloadRunner';

/**
 * `npm run workload -- --users N --rate R --duration S [--url URL] [--seed X]`: realistic traffic
 * against the write API. Without --url it starts the API in-process on WRITER_DATABASE_URL
 * (eval "$(npm run -s stack -- env)" sets it). Exit code 1 if any request got a 5xx or no answer.
 */
async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseWorkloadOptions(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }

  let service: RunningServices | undefined;
  if (options.url === undefined) {
    let config;
    try {
      config = loadWriteApiConfig();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`${error.message}\n(or pass --url of a running write API)`);
      return 2;
    }
    const logger = pino({ level: 'warn' });
    service = await startServices({
      // Its own API is not rate-limited: every command comes from this one address, and it is the load.
      config: writeApiOnly({
        ...config,
        http: { host: '127.0.0.1', port: 0 },
        idWorkerId: options.workerId,
        guards: { ...config.guards, signupsPerAddressPerMinute: 1e9, commandsPerAddressPerMinute: 1e9, commandsPerUserPerMinute: 1e9 },
      }),
      logger,
    });
  }
  const target = options.url ?? service!.url;
  console.log(
    `workload: ${options.users} users, ${options.rate} commands/s for ${options.durationSeconds} s against ${target}${service ? ' (in-process)' : ''}, seed ${options.seed}`,
  );

  try {
    let lastSent = 0;
    const result = await runWorkload({
      options,
      baseUrl: target,
      onProgress: ({ elapsedSeconds, inFlight, stats, model }) => {
        const { sent, ok, failures } = stats.totals();
        const world = model.describe();
        console.log(
          `[${elapsedSeconds.toFixed(0).padStart(4)} s] sent ${sent} (+${sent - lastSent}/s) ok ${ok} refused ${sent - ok - failures} failed ${failures}` +
            ` in-flight ${inFlight} | users ${world.users} friendships ${world.friendships} channels ${world.directChannels + world.groups} messages ${world.messages}`,
        );
        lastSent = sent;
      },
    });
    console.log(workloadReport(result, { seed: options.seed, rate: options.rate, target }));
    return result.stats.totals().failures > 0 ? 1 : 0;
  } finally {
    await service?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
