import pino from 'pino';
import { loadStackConfig } from '../../infra/stack/config';
import { createLocalStack } from '../../infra/stack/localStack';
import { ensureChromium } from './chromium';

/**
 * Brings the real local stack up once before the stack tests (reusing whatever already runs)
 * and hands its URLs to the tests through the same variables the project's processes read.
 * Chromium, which the local dashboard's test drives, is installed here too when missing.
 */
export default async function globalSetup(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const stack = createLocalStack({ config: loadStackConfig(), logger });
  ensureChromium(logger);
  const urls = await stack.up();
  Object.assign(process.env, urls);
}
