import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { Logger } from 'pino';
import { installDebianPackage } from '../../infra/stack/debianPackage';

/** Debian's chromium package puts the browser here; CHROMIUM_BIN names another. */
export const chromiumBinary = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Installs Debian's chromium for the page tests when it is missing, or says how to. */
export function ensureChromium(log: Logger): void {
  if (fs.existsSync(chromiumBinary)) return;
  const installed = installDebianPackage('chromium', process.env, log);
  if (installed !== true || !fs.existsSync(chromiumBinary)) {
    throw new Error(
      `the page tests need Chromium at ${chromiumBinary} (${installed === true ? 'not there after apt-get' : installed}): ` +
        'run `apt-get install -y --no-install-recommends chromium`, or set CHROMIUM_BIN',
    );
  }
}

/**
 * Headless Chromium through playwright-core, with Playwright's own fresh profile. The networking
 * flags stop it calling hosts this machine cannot reach (update checks, sync, field trials).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumBinary,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
