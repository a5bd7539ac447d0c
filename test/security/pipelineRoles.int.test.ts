import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { stackEnv } from '../support/stackEnv';

/**
 * One PostgreSQL role per job (infra/db/pipelineRoles.ts), on the running stack: each role can do
 * its job, and what is not its job fails with PostgreSQL's own "permission denied".
 */

const ROOT = path.resolve(__dirname, '..', '..');
const env = stackEnv();

const inDatabase = (databaseUrl: string, database: string): string => {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

/** Runs `sql` as the URL's role inside a transaction that is rolled back: nothing a test does stays. */
async function attempt(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    return { ok: false, code: (error as { code?: string }).code ?? '', message: (error as Error).message };
  }
  try {
    await client.query('begin');
    await client.query(sql, params);
    return { ok: true };
  } catch (error) {
    return { ok: false, code: (error as { code?: string }).code ?? '', message: (error as Error).message };
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

const denied = (message: RegExp) => ({ ok: false, code: '42501', message: expect.stringMatching(message) });

describe('the writer role (write services)', () => {
  it('may change the contract write tables', async () => {
    expect(await attempt(env.writeDatabaseUrl, "insert into users (id, nickname) values (9000000000000000001, 'role-probe')")).toEqual({
      ok: true,
    });
  });

  it('may not connect to im_read', async () => {
    expect(await attempt(inDatabase(env.writeDatabaseUrl, 'im_read'), 'select 1')).toEqual(
      denied(/permission denied for database "?im_read"?/),
    );
  });

  it('may not change the schema of im_write', async () => {
    expect(await attempt(env.writeDatabaseUrl, 'create table role_probe (id int)')).toEqual(denied(/permission denied for schema public/));
    expect(await attempt(env.writeDatabaseUrl, 'alter table users add column role_probe int')).toEqual(
      denied(/must be owner of table users/),
    );
  });
});

describe('the reader role (query API)', () => {
  it('may read the contract tables', async () => {
    expect(await attempt(env.readerDatabaseUrl, 'select * from user_conversation_view limit 1')).toEqual({ ok: true });
  });

  it('may write nothing: not the views, not the projector’s tables, not im_write', async () => {
    expect(await attempt(env.readerDatabaseUrl, 'delete from user_conversation_view where user_id = 1')).toEqual(
      denied(/permission denied for table user_conversation_view/),
    );
    expect(await attempt(env.readerDatabaseUrl, 'select * from projection_checkpoints')).toEqual(
      denied(/permission denied for table projection_checkpoints/),
    );
    expect(await attempt(env.readerDatabaseUrl, 'create table role_probe (id int)')).toEqual(denied(/permission denied for schema public/));
    expect(await attempt(inDatabase(env.readerDatabaseUrl, 'im_write'), 'select 1')).toEqual(
      denied(/permission denied for database "?im_write"?/),
    );
  });
});

describe('the projector role', () => {
  it('owns im_read: it may change its tables', async () => {
    expect(await attempt(env.readDatabaseUrl, 'create table role_probe (id int)')).toEqual({ ok: true });
  });

  it('may not connect to im_write, so it cannot read or change the source of truth', async () => {
    expect(await attempt(inDatabase(env.readDatabaseUrl, 'im_write'), 'select count(*) from users')).toEqual(
      denied(/permission denied for database "?im_write"?/),
    );
  });
});

describe('the CDC role (Debezium)', () => {
  it('may read the published tables and write its signal table', async () => {
    expect(await attempt(env.cdcDatabaseUrl, 'select count(*) from messages')).toEqual({ ok: true });
    expect(await attempt(env.cdcDatabaseUrl, "insert into debezium_signal (id, type, data) values ('role-probe', 'log', null)")).toEqual({
      ok: true,
    });
  });

  it('may not change a contract table', async () => {
    expect(await attempt(env.cdcDatabaseUrl, "update users set nickname = 'changed by cdc' where id = 1")).toEqual(
      denied(/permission denied for table users/),
    );
    expect(await attempt(env.cdcDatabaseUrl, 'delete from channel_members where channel_id = 1')).toEqual(
      denied(/permission denied for table channel_members/),
    );
  });
});

describe('the verifier role', () => {
  it('may read both databases and change neither', async () => {
    expect(await attempt(env.verifierWriteDatabaseUrl, 'select count(*) from users')).toEqual({ ok: true });
    expect(await attempt(env.verifierReadDatabaseUrl, 'select count(*) from user_contact_view')).toEqual({ ok: true });
    expect(await attempt(env.verifierWriteDatabaseUrl, "update users set nickname = 'x' where id = 1")).toEqual(
      denied(/permission denied for table users/),
    );
    expect(await attempt(env.verifierReadDatabaseUrl, 'delete from user_contact_view where user_id = 1')).toEqual(
      denied(/permission denied for table user_contact_view/),
    );
  });
});

describe('the services process, given the projector’s URL', () => {
  function startServices(urls: Record<string, string>) {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['services/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HTTP_PORT: '0', LOG_LEVEL: 'info', ...urls },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  }

  it('refuses to start the query API on it, saying the role may change the views', async () => {
    const { code, output } = await startServices({ READER_DATABASE_URL: env.readDatabaseUrl });
    expect(code).toBe(2);
    expect(output).toContain('database role refused');
    expect(output).toContain('READER_DATABASE_URL');
    expect(output).toMatch(/im_projector, which may create objects in im_read/);
  });

  it('refuses to start the write API on it, whichever database it names', async () => {
    const onRead = await startServices({ WRITER_DATABASE_URL: env.readDatabaseUrl });
    expect(onRead.code).toBe(2);
    expect(onRead.output).toMatch(/WRITER_DATABASE_URL.*im_projector, which may create objects in im_read/);
    const onWrite = await startServices({ WRITER_DATABASE_URL: inDatabase(env.readDatabaseUrl, 'im_write') });
    expect(onWrite.code).toBe(2);
    expect(onWrite.output).toMatch(/WRITER_DATABASE_URL.*permission denied for database/);
  });

  it('does not print the password it was given', async () => {
    const { output } = await startServices({ READER_DATABASE_URL: env.readDatabaseUrl });
    // A boolean, so that a failure does not print the password either.
    expect(output.includes(decodeURIComponent(new URL(env.readDatabaseUrl).password))).toBe(false);
  });
});
