import { Client, Pool } from 'pg';
import pino from 'pino';
import { migrateReadDatabase } from '../../projector/db/migrateReadDatabase';
import type { ViewName } from '../../projector/verify/contractViews';
import { verifyViews, type VerifyResult } from '../../projector/verify/verifyViews';
import { migrateWriteSide } from '../../infra/jobs/pipelineMigrations';
import { runCli } from '../support/cliProcess';
import { READ_SIDE_OWNER, stackDatabaseUrl, uniqueName, WRITE_SIDE_OWNER } from '../support/stackEnv';
import { contractRows, D12, D15, G, insertReadSide, insertWriteSide, U1, U2, U3, U4 } from './verifyFixture';

const logger = pino({ level: 'silent' });

const runVerifyCli = (env: Record<string, string>, args: string[] = []) =>
  runCli('projector/verify/main.ts', args, { LOG_LEVEL: 'silent', ...env });

const differenceTotal = (result: VerifyResult) => result.views.reduce((sum, v) => sum + v.missing + v.unexpected + v.differing, 0);
const comparisonOf = (result: VerifyResult, view: ViewName) => result.views.find((v) => v.view === view);

describe('verify, against a write and a read database of its own', () => {
  const writeDatabase = uniqueName('verify_write');
  const readDatabase = uniqueName('verify_read');
  // The owners fill the databases; verify reads them as the verifier, as `npm run verify` does.
  const writeUrl = stackDatabaseUrl(writeDatabase, 'migrator');
  const readUrl = stackDatabaseUrl(readDatabase, 'projector');
  const verifierWriteUrl = stackDatabaseUrl(writeDatabase, 'verifier');
  const verifierReadUrl = stackDatabaseUrl(readDatabase, 'verifier');
  let admin: Client;
  let writePool: Pool;
  let readPool: Pool;
  let verifierWritePool: Pool;
  let verifierReadPool: Pool;

  const verify = (owners?: string[]) =>
    verifyViews({
      writePool: verifierWritePool,
      readPool: verifierReadPool,
      logger,
      ...(owners === undefined ? {} : { owners }),
      fetchSize: 3,
    });

  beforeAll(async () => {
    admin = new Client({ connectionString: stackDatabaseUrl('postgres', 'superuser') });
    await admin.connect();
    // Owned as the stack's im_write and im_read are.
    await admin.query(`create database ${writeDatabase} owner ${WRITE_SIDE_OWNER}`);
    await admin.query(`create database ${readDatabase} owner ${READ_SIDE_OWNER}`);
    await migrateWriteSide(writeUrl);
    await migrateReadDatabase(readUrl, 4);
    writePool = new Pool({ connectionString: writeUrl, max: 2 });
    readPool = new Pool({ connectionString: readUrl, max: 2 });
    verifierWritePool = new Pool({ connectionString: verifierWriteUrl, max: 2 });
    verifierReadPool = new Pool({ connectionString: verifierReadUrl, max: 2 });
    // pool.end() resolves before its idle connections have closed, so the forced drop below can
    // still terminate one; that is the teardown working, not a failure.
    const ignoreTeardown = () => undefined;
    for (const pool of [writePool, readPool, verifierWritePool, verifierReadPool]) pool.on('error', ignoreTeardown);
    await insertWriteSide(writePool);
    await insertReadSide(readPool, contractRows);
  });

  afterAll(async () => {
    for (const pool of [writePool, readPool, verifierWritePool, verifierReadPool]) await pool?.end();
    if (admin !== undefined) {
      await admin.query(`drop database if exists ${writeDatabase} with (force)`);
      await admin.query(`drop database if exists ${readDatabase} with (force)`);
      await admin.end();
    }
  });

  it('finds no difference when im_read holds exactly the rows the contract defines', async () => {
    const result = await verify();
    expect(result.views.map((v) => [v.view, v.expectedRows, v.actualRows, v.matching])).toEqual([
      ['user_conversation_view', 12, 12, 12],
      ['user_contact_view', 4, 4, 4],
      ['conversation_reverse_index', 6, 6, 6],
      ['contact_reverse_index', 4, 4, 4],
    ]);
    expect(differenceTotal(result)).toBe(0);
    expect(result).toMatchObject({ matches: true, warnings: [] });
  });

  const corruptions: ReadonlyArray<{
    what: string;
    corrupt: string;
    restore: string;
    /** Parameters of both statements, unless restoring needs its own. */
    params: string[];
    restoreParams?: string[];
    view: ViewName;
    difference: object;
  }> = [
    {
      what: 'a wrong unread_count',
      corrupt: 'update user_conversation_view set unread_count = 3 where user_id = $1 and channel_id = $2',
      restore: 'update user_conversation_view set unread_count = 2 where user_id = $1 and channel_id = $2',
      params: [U1, G],
      view: 'user_conversation_view',
      difference: {
        kind: 'differing',
        key: { user_id: U1, channel_id: G },
        columns: [{ column: 'unread_count', expected: '2', actual: '3' }],
      },
    },
    {
      what: 'a missing contact row',
      corrupt: 'delete from user_contact_view where user_id = $1 and contact_user_id = $2',
      restore: `insert into user_contact_view (user_id, contact_user_id, remark_name, nickname, avatar, display_name, direct_channel_id, friends_since)
                values ($1, $2, '', 'alice', 'alice.png', 'alice', $3, '2024-01-01 08:00:00.000002+00')`,
      params: [U2, U1],
      restoreParams: [U2, U1, D12],
      view: 'user_contact_view',
      difference: { kind: 'missing', key: { user_id: U2, contact_user_id: U1 } },
    },
    {
      what: 'an extra reverse index row',
      corrupt: 'insert into conversation_reverse_index (peer_user_id, owner_user_id, channel_id) values ($1, $2, $3)',
      restore: 'delete from conversation_reverse_index where peer_user_id = $1 and owner_user_id = $2 and channel_id = $3',
      params: [U4, U1, G],
      view: 'conversation_reverse_index',
      difference: { kind: 'unexpected', key: { peer_user_id: U4, owner_user_id: U1, channel_id: G } },
    },
    {
      what: 'a wrong peer_nickname',
      corrupt: `update user_conversation_view set peer_nickname = 'Erin' where user_id = $1 and channel_id = $2`,
      restore: `update user_conversation_view set peer_nickname = 'erin' where user_id = $1 and channel_id = $2`,
      params: [U1, D15],
      view: 'user_conversation_view',
      difference: {
        kind: 'differing',
        key: { user_id: U1, channel_id: D15 },
        columns: [{ column: 'peer_nickname', expected: 'erin', actual: 'Erin' }],
      },
    },
    {
      what: 'a timestamp off by 1 µs',
      corrupt: `update user_conversation_view set last_message_time = last_message_time + interval '1 microsecond' where user_id = $1 and channel_id = $2`,
      restore: `update user_conversation_view set last_message_time = last_message_time - interval '1 microsecond' where user_id = $1 and channel_id = $2`,
      params: [U1, G],
      view: 'user_conversation_view',
      difference: {
        kind: 'differing',
        key: { user_id: U1, channel_id: G },
        columns: [{ column: 'last_message_time', expected: '2024-03-01 11:00:04.000004+00', actual: '2024-03-01 11:00:04.000005+00' }],
      },
    },
    {
      what: 'closed_at not set for a member who left',
      corrupt: 'update user_conversation_view set closed_at = null where user_id = $1 and channel_id = $2',
      restore: `update user_conversation_view set closed_at = '2024-03-02 12:00:00.5+00' where user_id = $1 and channel_id = $2`,
      params: [U3, G],
      view: 'user_conversation_view',
      difference: {
        kind: 'differing',
        key: { user_id: U3, channel_id: G },
        columns: [{ column: 'closed_at', expected: '2024-03-02 12:00:00.5+00', actual: null }],
      },
    },
  ];

  it.each(corruptions)('reports $what as exactly one difference, in its view, key and column', async (c) => {
    await readPool.query(c.corrupt, c.params);
    try {
      const result = await verify();
      expect(result.matches).toBe(false);
      expect(differenceTotal(result)).toBe(1);
      expect(comparisonOf(result, c.view)?.differences).toEqual([expect.objectContaining(c.difference)]);
    } finally {
      await readPool.query(c.restore, c.restoreParams ?? c.params);
    }
    expect((await verify()).matches).toBe(true);
  });

  it('ignores the projector-only columns', async () => {
    await readPool.query('update user_conversation_view set member_ver = member_ver + 1, projected_at = now(), last_read_seq = 0');
    await readPool.query('update user_contact_view set friend_ver = 99, contact_profile_ver = 99');
    expect((await verify()).matches).toBe(true);
  });

  it('checks only the given owners when asked', async () => {
    await readPool.query('update user_conversation_view set unread_count = 9 where user_id = $1 and channel_id = $2', [U1, G]);
    try {
      const carol = await verify([U3]);
      expect(carol.views.map((v) => [v.view, v.expectedRows, v.actualRows])).toEqual([
        ['user_conversation_view', 2, 2],
        ['user_contact_view', 1, 1],
        ['conversation_reverse_index', 0, 0],
        ['contact_reverse_index', 1, 1],
      ]);
      expect(carol.matches).toBe(true);
      const alice = await verify([U1]);
      expect(comparisonOf(alice, 'user_conversation_view')).toMatchObject({ expectedRows: 5, differing: 1 });
    } finally {
      await readPool.query('update user_conversation_view set unread_count = 2 where user_id = $1 and channel_id = $2', [U1, G]);
    }
  });

  it('warns about a direct channel that breaks the two-member rule, and expects no peer for it', async () => {
    const channel = '9223372036854775300';
    await writePool.query(`insert into channels (id, channel_type) values ($1, 1)`, [channel]);
    await writePool.query(`insert into channel_members (channel_id, user_id) values ($1, $2)`, [channel, U4]);
    try {
      const result = await verify([U4]);
      expect(result.warnings).toEqual([expect.stringContaining(`do not have exactly two members (first: ${channel})`)]);
      expect(comparisonOf(result, 'user_conversation_view')?.differences).toEqual([
        {
          kind: 'missing',
          key: { user_id: U4, channel_id: channel },
          expected: expect.objectContaining({ conversation_type: '1', peer_user_id: null, conversation_name: '' }),
        },
      ]);
    } finally {
      await writePool.query('delete from channel_members where channel_id = $1', [channel]);
      await writePool.query('delete from channels where id = $1', [channel]);
    }
  });

  describe('npm run verify', () => {
    it('exits 0 and says OK when every row matches', async () => {
      const run = await runVerifyCli({ VERIFIER_WRITE_DATABASE_URL: verifierWriteUrl, VERIFIER_READ_DATABASE_URL: verifierReadUrl });
      expect(run.stdout).toMatch(/^OK: all 4 view\(s\) match the contract, 26 row\(s\)$/m);
      expect(run.status).toBe(0);
    });

    it('exits 1 and prints the view, key, column and both values of a difference', async () => {
      await readPool.query(`update user_contact_view set display_name = 'Bob' where user_id = $1 and contact_user_id = $2`, [U1, U2]);
      try {
        const run = await runVerifyCli({ VERIFIER_WRITE_DATABASE_URL: verifierWriteUrl, VERIFIER_READ_DATABASE_URL: verifierReadUrl });
        expect(run.stdout).toContain(
          `user_contact_view (user_id=${U1}, contact_user_id=${U2}) display_name: expected "Bobby", actual "Bob"`,
        );
        expect(run.stdout).toMatch(/^DIFFERENCES: 1 row\(s\) in 1 of 4 view\(s\) do not match the contract$/m);
        expect(run.status).toBe(1);
      } finally {
        await readPool.query(`update user_contact_view set display_name = 'Bobby' where user_id = $1 and contact_user_id = $2`, [U1, U2]);
      }
    });

    it('exits 2 naming the setting when a database cannot be reached or a URL is missing', async () => {
      const unreachable = await runVerifyCli({
        VERIFIER_WRITE_DATABASE_URL: verifierWriteUrl,
        VERIFIER_READ_DATABASE_URL: stackDatabaseUrl(uniqueName('no_such_db'), 'verifier'),
      });
      expect(unreachable.stderr).toMatch(
        /cannot connect to the read database: .*VERIFIER_READ_DATABASE_URL=postgres:\/\/im_verifier:\*\*\*@/,
      );
      expect(unreachable.status).toBe(2);

      const missing = await runVerifyCli({ VERIFIER_WRITE_DATABASE_URL: '', VERIFIER_READ_DATABASE_URL: readUrl });
      expect(missing.stderr).toContain('VERIFIER_WRITE_DATABASE_URL is required');
      expect(missing.status).toBe(2);
    });
  });
});
