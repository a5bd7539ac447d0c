import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StackConfig } from './config';
import { installDebianPackage } from './debianPackage';

/**
 * Checks Java 17+, Maven and the PostgreSQL binaries, and installs Debian's prometheus and
 * prometheus-postgres-exporter when missing (as root, with apt-get); names every missing one
 * with how to get it.
 */
export function checkPrerequisites(config: StackConfig, log: Logger): void {
  const problems: string[] = [];

  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined) {
    problems.push('java not found: install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)');
  } else {
    const match = /version "(\d+)/.exec(java.stderr);
    const major = match?.[1] === undefined ? 0 : Number(match[1]);
    if (major < 17) problems.push(`java ${major} found, Java 17 or newer is needed (apt-get install openjdk-17-jre-headless)`);
  }

  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error !== undefined) problems.push('mvn not found: install Apache Maven (Debian: apt-get install maven)');

  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!fs.existsSync(path.join(config.postgres.binDir, tool))) {
      problems.push(
        `${tool} not found in ${config.postgres.binDir}: install the PostgreSQL server ` +
          `(Debian: apt-get install postgresql-${path.basename(path.dirname(config.postgres.binDir))}) or set STACK_PG_BIN_DIR`,
      );
    }
  }

  const debian = [
    { binary: config.postgresExporter.binary, pkg: 'prometheus-postgres-exporter', setting: 'STACK_PG_EXPORTER_BIN' },
    { binary: config.prometheus.binary, pkg: 'prometheus', setting: 'STACK_PROMETHEUS_BIN' },
  ];
  for (const { binary, pkg, setting } of debian) {
    if (fs.existsSync(binary)) continue;
    const installed = installDebianPackage(pkg, config.inheritedEnv, log);
    if (installed !== true || !fs.existsSync(binary)) {
      problems.push(
        `${binary} not found (${installed === true ? 'installed, but not there' : installed}): ` +
          `install it with \`apt-get install -y --no-install-recommends ${pkg}\`, or set ${setting}`,
      );
    }
  }

  if (problems.length > 0) {
    throw new Error(`the local stack cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
