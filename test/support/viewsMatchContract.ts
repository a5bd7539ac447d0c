import pino from 'pino';
import { verifyViews } from '../../projector/verify/verifyViews';
import { stackEnv } from './stackEnv';

/** verify, scoped to a test's users (other suites may write elsewhere meanwhile): no view differs. */
export async function expectViewsMatchContract(owners: ReadonlyArray<bigint | string>): Promise<void> {
  const env = stackEnv();
  const result = await verifyViews({
    // As `npm run verify` runs: the verifier's role, which may only read.
    writeUrl: env.verifierWriteDatabaseUrl,
    readUrl: env.verifierReadDatabaseUrl,
    logger: pino({ level: 'warn' }),
    owners: owners.map(String),
  });
  expect(result.views.filter((v) => v.missing + v.unexpected + v.differing > 0)).toEqual([]);
  expect(result.matches).toBe(true);
}
