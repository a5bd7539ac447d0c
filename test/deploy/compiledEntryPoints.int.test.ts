import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { compileApps, compiledEntry } from '../../infra/stack/compiledApps';
import { loadStackConfig } from '../../infra/stack/config';
import { waitFor } from '../../infra/stack/waitFor';
import { READ_SIDE_OWNER, stackDatabaseUrl, stackEnv, uniqueName, WRITE_SIDE_OWNER } from '../support/stackEnv';

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
  const madeByTheJob: string[] = [];

  beforeAll(async () => {
    compileApps(ROOT);
    admin = new Client({ connectionString: stackDatabaseUrl('postgres', 'superuser') });
    await admin.connect();
    await admin.query(`create database ${writeDatabase} owner ${WRITE_SIDE_OWNER}`);
    await admin.query(`create database ${readDatabase} owner ${READ_SIDE_OWNER}`);
  }, 180_000);

  afterAll(async () => {
    for (const database of [writeDatabase, readDatabase, ...madeByTheJob])
      await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  it('given two empty databases, when the migrations job runs, then it exits 0 and both hold their schemas', async () => {
    const job = runJob('infra/jobs/migrateDatabases.ts', {
      MIGRATOR_WRITE_DATABASE_URL: stackDatabaseUrl(writeDatabase, 'migrator'),
      MIGRATOR_READ_DATABASE_URL: stackDatabaseUrl(readDatabase, 'migrator'),
      READ_PARTITIONS: '4',
    });
    expect(job.stderr).toBe('');
    expect(job.status).toBe(0);
    const tables = async (database: string, name: string) => {
      const client = new Client({ connectionString: stackDatabaseUrl(database, 'verifier') });
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
      MIGRATOR_WRITE_DATABASE_URL: 'mysql://nope',
      MIGRATOR_READ_DATABASE_URL: stackDatabaseUrl(readDatabase, 'migrator'),
    });
    expect(job.status).toBe(1);
    expect(job.stderr).toContain('MIGRATOR_WRITE_DATABASE_URL');
  });

  it('given ADMIN_DATABASE_URL and no databases, when the migrations job runs, then it makes them with their owners and migrates them', async () => {
    const [write, read] = [uniqueName('job_write'), uniqueName('job_read')];
    madeByTheJob.push(write, read);
    const job = runJob('infra/jobs/migrateDatabases.ts', {
      ADMIN_DATABASE_URL: stackDatabaseUrl('postgres', 'superuser'),
      MIGRATOR_WRITE_DATABASE_URL: stackDatabaseUrl(write, 'migrator'),
      MIGRATOR_READ_DATABASE_URL: stackDatabaseUrl(read, 'migrator'),
      WRITER_DATABASE_URL: stackDatabaseUrl(write, 'writer'),
      CDC_DATABASE_URL: stackDatabaseUrl(write, 'cdc'),
      PROJECTOR_DATABASE_URL: stackDatabaseUrl(read, 'projector'),
      READER_DATABASE_URL: stackDatabaseUrl(read, 'reader'),
      VERIFIER_WRITE_DATABASE_URL: stackDatabaseUrl(write, 'verifier'),
      MONITOR_DATABASE_URL: stackDatabaseUrl(write, 'monitor'),
      READ_PARTITIONS: '2',
    });
    expect(job.stderr).toBe('');
    expect(job.status).toBe(0);
    const { rows } = await admin.query<{ datname: string; owner: string }>(
      'select datname, pg_get_userbyid(datdba) as owner from pg_database where datname = any($1) order by datname',
      [[write, read]],
    );
    expect(rows).toEqual(
      [
        { datname: write, owner: WRITE_SIDE_OWNER },
        { datname: read, owner: READ_SIDE_OWNER },
      ].sort((a, b) => a.datname.localeCompare(b.datname)),
    );
  });

  it('given ADMIN_DATABASE_URL with a role URL missing or naming another role, when the migrations job runs, then it exits 1 naming each', () => {
    const job = runJob('infra/jobs/migrateDatabases.ts', {
      ADMIN_DATABASE_URL: stackDatabaseUrl('postgres', 'superuser'),
      MIGRATOR_WRITE_DATABASE_URL: stackDatabaseUrl(writeDatabase, 'migrator'),
      MIGRATOR_READ_DATABASE_URL: stackDatabaseUrl(readDatabase, 'migrator'),
      WRITER_DATABASE_URL: stackDatabaseUrl(writeDatabase, 'projector'),
    });
    expect(job.status).toBe(1);
    expect(job.stderr).toContain('WRITER_DATABASE_URL must name the role im_writer');
    expect(job.stderr).toContain('READER_DATABASE_URL is required with ADMIN_DATABASE_URL');
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
    // Beside the stack's logs, which the run's scan for secrets reads (test/security/secretsInLogs).
    const logDir = path.join(loadStackConfig().logDir, 'tests');
    fs.mkdirSync(logDir, { recursive: true });
    const logFile = path.join(logDir, `${uniqueName('compiled-projector')}.log`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [compiledEntry(ROOT, 'projector/main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PROJECTOR_DATABASE_URL: stackDatabaseUrl(readDatabase, 'projector'),
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
