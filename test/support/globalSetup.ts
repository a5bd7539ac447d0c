import pino from 'pino';
import { loadStackConfig } from '../../infra/stack/config';
import { createLocalStack } from '../../infra/stack/localStack';

/**
 * Brings the real local stack up once before the stack tests (reusing whatever already runs)
 * and hands its URLs to the tests through the same variables the project's processes read.
 */
export default async function globalSetup(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  // CDC_FORMAT=avro npm test runs the suites on a stack switched to Avro (and leaves it so).
  const stack = createLocalStack({ config: loadStackConfig(process.env, { switchFormat: true }), logger });
  const urls = await stack.up();
  Object.assign(process.env, urls, { CDC_FORMAT: stack.cdcFormat });
}
