import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The apps compiled as the production image compiles them (infra/docker/app.Dockerfile):
 * `tsconfig.build.json` into `dist/`, with what the compiled code reads beside itself. The local
 * stack runs these, so every stack test exercises the image's entry points.
 */

/** Files the compiled code reads beside itself, copied into dist/ (the Dockerfile copies the same). */
export const COMPILED_ASSETS: readonly string[] = [
  'services/db/migrations',
  'projector/db/migrations',
  'connectors/im-write.json',
  'connectors/avro-format.json',
];

/** The compiled entry point of a TypeScript one: `projector/main.ts` → `dist/projector/main.js`. */
export const compiledEntry = (rootDir: string, entry: string): string => path.join(rootDir, 'dist', entry.replace(/\.ts$/, '.js'));

/**
 * Compiles the apps into `dist/` (incrementally: a second run with no change takes about a second)
 * and copies the assets. Throws with the compiler's output if the code does not compile.
 */
export function compileApps(rootDir: string): void {
  const dist = path.join(rootDir, 'dist');
  try {
    execFileSync(
      process.execPath,
      [
        path.join(rootDir, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.build.json',
        '--incremental',
        '--tsBuildInfoFile',
        path.join(dist, '.tsbuildinfo'),
      ],
      { cwd: rootDir, stdio: 'pipe' },
    );
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    throw new Error(`the apps do not compile (tsconfig.build.json):\n${output}`);
  }
  for (const asset of COMPILED_ASSETS) {
    fs.rmSync(path.join(dist, asset), { recursive: true, force: true });
    fs.cpSync(path.join(rootDir, asset), path.join(dist, asset), { recursive: true });
  }
}
