import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { compileApps, compiledEntry } from '../../infra/stack/compiledApps';
import { waitFor } from '../../infra/stack/waitFor';
import { STACK_SUPERUSER, stackDatabaseUrl, stackEnv, uniqueName } from '../support/stackEnv';

/**
 * The images' start commands, outside a container, against the test stack: the code compiled as
 * infra/docker/app.Dockerfile compiles it (tsconfig.build.json, the SQL migrations and the
 * connector's JSON beside it), then each command the compose file and the manifests run.
 */
const ROOT = path.resolve(__dirname, '..', '..');

/** A port nothing listens on now: the OS picks it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

const runJob = (entry: string, env: Record<string, string>) =>
  spawnSync(process.execPath, [compiledEntry(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('the compiled start commands', () => {
  const writeDatabase = uniqueName('image_write');
  const readDatabase = uniqueName('image_read');
  let admin: Client;

  beforeAll(async () => {
    compileApps(ROOT);
    admin = new Client({ connectionString: stackDatabaseUrl('postgres', STACK_SUPERUSER) });
    await admin.connect();
    await admin.query(`create database ${writeDatabase} owner im`);
    await admin.query(`create database ${readDatabase} owner im`);
  }, 180_000);

  afterAll(async () => {
    await admin.query(`drop database if exists ${writeDatabase} with (force)`);
    await admin.query(`drop database if exists ${readDatabase} with (force)`);
    await admin.end();
  });

  it('given two empty databases, when the migrations job runs, then it exits 0 and both hold their schemas', async () => {
    const job = runJob('infra/jobs/migrateDatabases.ts', {
      WRITE_DATABASE_URL: stackDatabaseUrl(writeDatabase),
      READ_DATABASE_URL: stackDatabaseUrl(readDatabase),
      READ_PARTITIONS: '4',
    });
    expect(job.stderr).toBe('');
    expect(job.status).toBe(0);
    const tables = async (database: string, name: string) => {
      const client = new Client({ connectionString: stackDatabaseUrl(database) });
      await client.connect();
      try {
        return (await client.query('select count(*)::int as n from information_schema.tables where table_name = $1', [name])).rows[0]
          ?.n as number;
      } finally {
        await client.end();
      }
    };
    expect(await tables(writeDatabase, 'channel_members')).toBe(1);
    expect(await tables(readDatabase, 'user_conversation_view')).toBe(1);
  });

  it('given a bad setting, when the migrations job runs, then it exits 1 naming the setting', () => {
    const job = runJob('infra/jobs/migrateDatabases.ts', {
      WRITE_DATABASE_URL: 'mysql://nope',
      READ_DATABASE_URL: stackDatabaseUrl(readDatabase),
    });
    expect(job.status).toBe(1);
    expect(job.stderr).toContain('WRITE_DATABASE_URL');
  });

  it('given the running Connect, when the registration job runs again, then it exits 0: the PUT is idempotent', () => {
    const job = runJob('infra/jobs/registerConnector.ts', {
      CONNECT_URL: stackEnv().connectUrl,
      KAFKA_BROKERS: stackEnv().kafkaBrokers.join(','),
    });
    expect(job.stderr).toBe('');
    expect(job.status).toBe(0);
    expect(job.stdout).toContain('connector registered');
  });

  it('given the compiled projector, when started on its own read database, then it answers /healthz and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const logFile = path.join(os.tmpdir(), `${uniqueName('compiled-projector')}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [compiledEntry(ROOT, 'projector/main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        READ_DATABASE_URL: stackDatabaseUrl(readDatabase),
        KAFKA_BROKERS: stackEnv().kafkaBrokers.join(','),
        PROJECTOR_GROUP_ID: uniqueName('image-projector'),
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(port),
        READ_PARTITIONS: '4',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const status = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
          return response?.ok === true ? response.status : undefined;
        },
        { what: 'the compiled projector answers /healthz', timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    // A failure says why: the process's own log.
    expect({ code: await exited, log: fs.readFileSync(logFile, 'utf8').slice(-2000) }).toMatchObject({ code: 0 });
  });
});
