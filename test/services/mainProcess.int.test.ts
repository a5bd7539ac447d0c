import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stackEnv } from '../support/stackEnv';

/** services/main.ts as a process: configuration errors at start, JSON logs, SIGTERM. */

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function start(env: Record<string, string>) {
  const child = spawn(TSX, ['services/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Resolves with the first JSON log line that has this msg. */
function logLine(child: ChildProcess, msg: string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line);
          if (entry.msg === msg) resolve(entry);
        } catch {
          // a partial line; the rest comes with the next chunk
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before logging "${msg}"`)));
  });
}

describe('services/main.ts', () => {
  it('refuses to start on bad settings, listing each by name, with exit code 2', async () => {
    const { output, exited } = start({ HTTP_PORT: 'eighty', ID_WORKER_ID: '5000', JWT_SECRET: 'short', LOG_LEVEL: 'chatty' });
    expect(await exited).toBe(2);
    for (const name of ['WRITER_DATABASE_URL', 'HTTP_PORT', 'ID_WORKER_ID', 'JWT_SECRET', 'LOG_LEVEL'])
      expect(output.stderr).toContain(name);
  });

  it('refuses to start when SERVICE_APIS lists an API whose database URL is missing', async () => {
    const { output, exited } = start({ SERVICE_APIS: 'write,query', WRITER_DATABASE_URL: stackEnv().writeDatabaseUrl });
    expect(await exited).toBe(2);
    expect(output.stderr).toContain('READER_DATABASE_URL is required for the query API');
  });

  it('serves, warns about the dev secret, and on SIGTERM stops cleanly with exit code 0', async () => {
    const { child, exited } = start({ WRITER_DATABASE_URL: stackEnv().writeDatabaseUrl, HTTP_PORT: '0', LOG_LEVEL: 'info' });
    const warned = logLine(child, 'JWT_SECRET not set: using the public dev secret; anyone can mint tokens');
    const listening = await logLine(child, 'services listening');
    expect(listening.apis).toEqual(['write']);
    await warned;
    const reply = await fetch(`${listening.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"nickname":"proc"}',
    });
    expect(reply.status).toBe(201);

    const stopped = logLine(child, 'stopped');
    child.kill('SIGTERM');
    await stopped;
    expect(await exited).toBe(0);
  });

  it('serves the write and the query API on one port when both database URLs are set', async () => {
    const { child, exited } = start({
      WRITER_DATABASE_URL: stackEnv().writeDatabaseUrl,
      READER_DATABASE_URL: stackEnv().readerDatabaseUrl,
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const listening = await logLine(child, 'services listening');
      expect(listening.apis).toEqual(['write', 'query']);
      const signup = await fetch(`${listening.url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"nickname":"both"}',
      });
      const { token } = (await signup.json()) as { token: string };
      // A user the projector may not have reached yet: the list is empty, not an error.
      const list = await fetch(`${listening.url}/me/conversations`, { headers: { authorization: `Bearer ${token}` } });
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ conversations: [], nextCursor: null });
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
