import pino from 'pino';
import { loadStackConfig } from '../../infra/stack/config';
import { createLocalStack } from '../../infra/stack/localStack';
import { createBenchDatabases } from './benchDatabases';

/**
 * What every benchmark starts from: the local stack up (started if it is not), throwaway
 * databases on its PostgreSQL, and a name no earlier run used for everything the run makes.
 */
export async function openBenchStack(idPrefix: string) {
  const logger = pino({ level: 'warn' });
  const stackConfig = loadStackConfig();
  const stack = createLocalStack({ config: stackConfig, logger });
  const urls = await stack.up();
  return { logger, stack, stackConfig, urls, dbs: createBenchDatabases(stackConfig), id: `${idPrefix}${Date.now().toString(36)}` };
}
