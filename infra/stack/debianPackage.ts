import { spawnSync } from 'node:child_process';
import type { Logger } from 'pino';

// Another apt-get or an unattended upgrade may hold dpkg's lock for a while; wait for it rather
// than fail at once.
const DPKG_LOCK_TIMEOUT_S = 300;

/** apt-get install, when this process may (root, apt-get present); true, or why not. */
export function installDebianPackage(name: string, inheritedEnv: NodeJS.ProcessEnv, log: Logger): true | string {
  if (process.getuid?.() !== 0) return 'not root, so not installed automatically';
  if (spawnSync('apt-get', ['--version']).error !== undefined) return 'apt-get not found';
  log.info({ package: name }, 'installing a missing Debian package');
  const env = { ...inheritedEnv, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (...args: string[]) =>
    spawnSync('apt-get', ['-o', `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_S}`, ...args], { encoding: 'utf8', env });
  let result = aptGet('install', '-y', '--no-install-recommends', name);
  if (result.status !== 0) {
    // The package lists may be missing (a fresh image) or stale (a version no longer served).
    aptGet('update');
    result = aptGet('install', '-y', '--no-install-recommends', name);
  }
  return result.status === 0
    ? true
    : `apt-get install ${name} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`;
}
