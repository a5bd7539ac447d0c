import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadStackConfig } from '../../infra/stack/config';
import { nodeEntryArgs } from '../../infra/stack/nodeEntry';

const ROOT = path.resolve(__dirname, '..', '..');
const running = new Set<ChildProcess>();
// A test that times out or a jest that exits early must not leave projectors consuming behind it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The projector as users run it: its own node process, `projector/main.ts`, configured by env. */
export function startProjectorProcess(env: Record<string, string>): {
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
} {
  // Beside the stack's logs, which the run's scan for secrets reads (test/security/secretsInLogs).
  const logDir = path.join(loadStackConfig().logDir, 'tests');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `projector-${env.PROJECTOR_GROUP_ID ?? 'test'}-${Date.now()}.log`);
  const out = fs.openSync(logFile, 'a');
  // One process, so SIGKILL kills the projector itself (the tsx CLI would leave its child running).
  const child = spawn(process.execPath, nodeEntryArgs(ROOT, path.join('projector', 'main.ts')), {
    cwd: ROOT,
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, logFile, exited };
}
