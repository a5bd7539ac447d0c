import pino from 'pino';
import { loadVerifyConfig, VERIFY_USAGE, type VerifyConfig } from './config';
import { describeVerifyError } from './describeVerifyError';
import { formatVerifyReport } from './formatVerifyReport';
import { verifyViews } from './verifyViews';

/** `npm run verify`: exit 0 when every view row matches the contract, 1 when some differ, 2 on errors. */
const EXIT = { matches: 0, differences: 1, error: 2 } as const;

async function main(): Promise<number> {
  let config: VerifyConfig;
  try {
    config = loadVerifyConfig(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `${describeVerifyError(error, { writeDatabaseUrl: '', readDatabaseUrl: '' })}\n(npm run verify -- --help lists the settings and options)\n`,
    );
    return EXIT.error;
  }
  if (config.help) {
    process.stdout.write(VERIFY_USAGE);
    return EXIT.matches;
  }

  // The report owns stdout; logs go to stderr.
  const logger = pino({ name: 'verify', level: config.logLevel }, pino.destination(2));
  try {
    const result = await verifyViews({
      writeUrl: config.writeDatabaseUrl,
      readUrl: config.readDatabaseUrl,
      logger,
      views: config.views,
      ...(config.owners === undefined ? {} : { owners: config.owners }),
      maxDifferences: config.maxDifferences,
      fetchSize: config.fetchSize,
    });
    process.stdout.write(config.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatVerifyReport(result));
    return result.matches ? EXIT.matches : EXIT.differences;
  } catch (error) {
    logger.debug({ err: error }, 'verify failed');
    process.stderr.write(`${describeVerifyError(error, config)}\n`);
    return EXIT.error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`verify crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT.error;
  },
);
