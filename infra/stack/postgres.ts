import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { ensurePipelineRoles, ident, PIPELINE_ROLES } from '../db/pipelineRoles';
import { scramVerifier } from '../db/scramVerifier';
import type { StackConfig } from './config';
import { loadStackSecrets, stackSecretsFile } from './stackSecrets';
import { waitFor } from './waitFor';

/** The superuser's password of clusters made before the stack generated one (rotated at their next start). */
const LEGACY_SUPERUSER_PASSWORD = 'postgres';
/** The one role every part used before there was a role per job: its objects pass to the new owners, then it goes. */
const LEGACY_ROLE = 'im';

export interface StartHooks {
  /** Called once, when an earlier release's single role is about to go: stop what runs as it. */
  readonly beforeLegacyRoleRetired?: () => Promise<void>;
}

/**
 * The project's own PostgreSQL cluster: made with initdb (as the `postgres` OS user when we are
 * root, since initdb refuses root), wal_level=logical, TCP only on its own port.
 */
export function createPostgresCluster(config: StackConfig, log: Logger) {
  const pg = config.postgres;
  const asRoot = os.userInfo().uid === 0;
  const logFile = path.join(config.logDir, 'postgres.log');
  const secrets = loadStackSecrets(config.stateDir);

  function run(tool: string, args: readonly string[]): SpawnSyncReturns<string> {
    const bin = path.join(pg.binDir, tool);
    const [command, fullArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
    return spawnSync(command, fullArgs, { encoding: 'utf8', cwd: '/' });
  }

  function giveToServerUser(target: string): void {
    if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', target]);
  }

  function ensureInitialized(): void {
    if (fs.existsSync(path.join(pg.dataDir, 'PG_VERSION'))) return;
    // The folders above the data folder must let the postgres user through (a recursive mkdir
    // would give them the data folder's 0700 too).
    fs.mkdirSync(path.dirname(pg.dataDir), { recursive: true, mode: 0o755 });
    fs.mkdirSync(pg.dataDir, { recursive: true, mode: 0o700 });
    giveToServerUser(path.dirname(pg.dataDir));
    if (asRoot) {
      const access = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', pg.dataDir]);
      if (access.status !== 0) {
        throw new Error(
          `the postgres OS user cannot reach ${pg.dataDir}: every parent folder must be searchable by it ` +
            `(chmod o+x), or set STACK_DIR to a folder it can reach`,
        );
      }
    }
    const pwfile = path.join(path.dirname(pg.dataDir), 'superuser.pw');
    fs.writeFileSync(pwfile, `${secrets.superuser}\n`, { mode: 0o600 });
    giveToServerUser(pwfile);
    log.info({ dataDir: pg.dataDir }, 'initdb');
    const init = run('initdb', [
      '-D',
      pg.dataDir,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=scram-sha-256',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    fs.rmSync(pwfile, { force: true });
    if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
    fs.appendFileSync(path.join(pg.dataDir, 'postgresql.conf'), "\ninclude_if_exists = 'stack.conf'\n");
  }

  function writeSettings(): void {
    // Rewritten on every start so that a changed port takes effect.
    const settings = [
      `port = ${pg.port}`,
      `listen_addresses = '${pg.host}'`,
      "unix_socket_directories = ''",
      'wal_level = logical',
      'max_wal_senders = 20',
      'max_replication_slots = 20',
      // A slot whose consumer is gone must not pin WAL forever; past this the slot is lost and
      // only `recover-cdc` brings CDC back (STACK_PG_MAX_SLOT_WAL_KEEP_SIZE: disk against that risk).
      `max_slot_wal_keep_size = ${pg.maxSlotWalKeepSize}`,
      'max_connections = 200',
      // The builder probes view, reverse-index and ref_ rows by key: at 1M view rows that working
      // set outgrew 256MB, and a probe read through the OS cache cost 0.13 ms against 0.02 ms.
      'shared_buffers = 1GB',
      // Per-statement times (pg_stat_statements) for whoever asks where the database's time goes.
      'shared_preload_libraries = pg_stat_statements',
      "log_line_prefix = '%m [%p] %q%u@%d '",
    ];
    const file = path.join(pg.dataDir, 'stack.conf');
    fs.writeFileSync(file, `${settings.join('\n')}\n`);
    giveToServerUser(file);
    // TCP with scram-sha-256 only. No `replication` line: physical replication (pg_basebackup, a
    // copy of every database) is refused to every role, the CDC role included; its logical
    // replication connects to im_write and matches that database's line.
    const hba = path.join(pg.dataDir, 'pg_hba.conf');
    fs.writeFileSync(
      hba,
      [
        '# Written by the local stack at every start (infra/stack/postgres.ts); edits are overwritten.',
        'host all all 127.0.0.1/32 scram-sha-256',
        'host all all ::1/128 scram-sha-256',
        '',
      ].join('\n'),
    );
    giveToServerUser(hba);
  }

  function isRunning(): boolean {
    return run('pg_ctl', ['status', '-D', pg.dataDir]).status === 0;
  }

  async function connectAsSuperuser(database: string, password: string): Promise<Client> {
    const client = new Client({ host: pg.host, port: pg.port, user: 'postgres', password, database, connectionTimeoutMillis: 5000 });
    // A server that goes away mid-query rejects the query; the event must not crash the caller.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async function superClient(database = 'postgres'): Promise<Client> {
    try {
      return await connectAsSuperuser(database, secrets.superuser);
    } catch (error) {
      if ((error as { code?: string }).code !== '28P01') throw error;
      // A cluster made before the stack generated its superuser's password: rotate it now.
      const legacy = await connectAsSuperuser(database, LEGACY_SUPERUSER_PASSWORD).catch(() => {
        throw new Error(
          `PostgreSQL refuses the superuser password in ${stackSecretsFile(config.stateDir)}: that file does not belong to this ` +
            `cluster (${pg.dataDir}); restore it, or start afresh with \`npm run stack -- reset\` (which deletes the data)`,
        );
      });
      await legacy.query(`alter role postgres password '${scramVerifier(secrets.superuser)}'`);
      log.info('superuser password rotated to the generated one');
      return legacy;
    }
  }

  async function ensureRolesAndDatabases(hooks: StartHooks): Promise<void> {
    const client = await superClient();
    try {
      await ensurePipelineRoles(client, secrets.roles, pg);
    } finally {
      await client.end();
    }
    await retireLegacyRole(hooks);
  }

  /**
   * Hands what the single role of earlier releases owns to the roles that own each side now, then
   * drops it. The parts still running as that role are stopped first (they start again with their
   * own roles); it cannot log in meanwhile, and each database's hand-over is one transaction.
   */
  async function retireLegacyRole(hooks: StartHooks): Promise<void> {
    const admin = await superClient();
    try {
      const legacy = await admin.query('select 1 from pg_roles where rolname = $1', [LEGACY_ROLE]);
      if (legacy.rowCount === 0) return;
      log.warn({ role: LEGACY_ROLE }, 'upgrading from a single role to a role per job: the parts that used it are restarted');
      await hooks.beforeLegacyRoleRetired?.();
      await admin.query(`alter role ${ident(LEGACY_ROLE)} nologin`);
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`, [LEGACY_ROLE]);
      const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datallowconn');
      for (const { datname } of rows) {
        const client = await superClient(datname);
        try {
          const owner = datname === pg.readDatabase ? PIPELINE_ROLES.projector.name : PIPELINE_ROLES.migrator.name;
          await client.query('begin');
          await client.query(`reassign owned by ${ident(LEGACY_ROLE)} to ${ident(owner)}`);
          await client.query(`drop owned by ${ident(LEGACY_ROLE)}`);
          await client.query('commit');
        } finally {
          await client.end();
        }
      }
      await admin.query(`drop role ${ident(LEGACY_ROLE)}`);
      log.warn({ role: LEGACY_ROLE }, 'legacy role dropped');
    } finally {
      await admin.end();
    }
  }

  return {
    isRunning,
    superClient,

    async start(hooks: StartHooks = {}): Promise<'started' | 'reused'> {
      ensureInitialized();
      let outcome: 'started' | 'reused' = 'reused';
      if (!isRunning()) {
        writeSettings();
        fs.mkdirSync(config.logDir, { recursive: true });
        fs.appendFileSync(logFile, '');
        giveToServerUser(logFile);
        const started = run('pg_ctl', ['start', '-D', pg.dataDir, '-l', logFile, '-w', '-t', '60']);
        if (started.status !== 0) {
          throw new Error(`PostgreSQL did not start (see ${logFile}):\n${started.stdout}\n${started.stderr}`);
        }
        outcome = 'started';
      }
      await waitFor(
        async () => {
          const client = await superClient();
          await client.end();
          return true;
        },
        { what: `PostgreSQL on ${pg.host}:${pg.port}`, timeoutMs: 30_000 },
      );
      await ensureRolesAndDatabases(hooks);
      return outcome;
    },

    /** True when the server answers a query, else why not. */
    async answers(): Promise<true | string> {
      try {
        const client = await superClient();
        try {
          await client.query('select 1');
          return true;
        } finally {
          await client.end();
        }
      } catch (error) {
        return `does not answer: ${(error as Error).message}`;
      }
    },

    /** A crash: `pg_ctl stop -m immediate` (no shutdown checkpoint; recovery replays WAL on start). */
    crash(): boolean {
      if (!isRunning()) return false;
      const stopped = run('pg_ctl', ['stop', '-D', pg.dataDir, '-m', 'immediate', '-w', '-t', '60']);
      if (stopped.status !== 0) throw new Error(`PostgreSQL did not stop:\n${stopped.stdout}\n${stopped.stderr}`);
      return true;
    },

    stop(): boolean {
      if (!fs.existsSync(path.join(pg.dataDir, 'PG_VERSION')) || !isRunning()) return false;
      const stopped = run('pg_ctl', ['stop', '-D', pg.dataDir, '-m', 'fast', '-w', '-t', '60']);
      if (stopped.status !== 0) throw new Error(`PostgreSQL did not stop:\n${stopped.stdout}\n${stopped.stderr}`);
      return true;
    },
  };
}

export type PostgresCluster = ReturnType<typeof createPostgresCluster>;
