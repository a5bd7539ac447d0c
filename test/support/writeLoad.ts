import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { surviveConnectionLoss } from '../../infra/db/connectionLoss';
import { createSeededRandom } from '../../services/workload/seededRandom';
import { createGroup, createUsers, freshId } from './writeSide';

/**
 * A steady stream of contract-keeping writes straight to im_write, for tests that break parts of
 * the stack meanwhile: messages (seq allocated under the channel's row lock), read pointers moved
 * forward, nickname changes, recalls. A failed write (the database is down) is counted and tried
 * again later; whatever did commit is the truth `verify` compares the views with.
 */

export interface LoadWorld {
  readonly users: readonly bigint[];
  readonly groups: ReadonlyArray<{ readonly id: bigint; readonly members: readonly bigint[] }>;
}

export interface LoadStats {
  committed: number;
  failed: number;
  lastError?: string;
}

/** Users in overlapping groups, so one message fans out to several conversation rows. */
export async function createLoadWorld(pool: Pool, prefix: string, users = 24, groups = 4): Promise<LoadWorld> {
  const ids = Array.from({ length: users }, () => freshId());
  await createUsers(pool, ids, prefix);
  const made: Array<{ id: bigint; members: bigint[] }> = [];
  for (let g = 0; g < groups; g += 1) {
    const members = ids.filter((_, i) => (i + g) % 2 === 0 || i % groups === g);
    const id = freshId();
    await createGroup(pool, id, members, `${prefix}-group-${g}`);
    made.push({ id, members });
  }
  return { users: ids, groups: made };
}

export function startWriteLoad(
  writeUrl: string,
  world: LoadWorld,
  { perSecond = 40, seed = 1 }: { perSecond?: number; seed?: number } = {},
) {
  // Its own pool with short timeouts: a dead server must fail a write quickly, not hang it.
  const pool = surviveConnectionLoss(
    new Pool({ connectionString: writeUrl, max: 4, connectionTimeoutMillis: 2000, query_timeout: 10_000 }),
    () => undefined,
  );
  const rng = createSeededRandom(seed);
  const random = () => rng.next();
  const pick = <T>(items: readonly T[]): T => rng.pick(items)!;
  const stats: LoadStats = { committed: 0, failed: 0 };
  let running = true;

  async function oneWrite(): Promise<void> {
    const group = pick(world.groups);
    const user = pick(group.members);
    const roll = random();
    if (roll < 0.7) {
      await inTransaction(pool, async (tx) => {
        await tx.query('select id from channels where id = $1 for no key update', [String(group.id)]);
        await tx.query(
          `insert into messages (id, channel_id, seq, sender_id, content)
           values ($1, $2, coalesce((select max(seq) from messages where channel_id = $2), 0) + 1, $3, $4)`,
          [String(freshId()), String(group.id), String(user), `load ${stats.committed}`],
        );
      });
    } else if (roll < 0.85) {
      await pool.query(
        `update channel_read_records set last_read_seq = greatest(last_read_seq, (select coalesce(max(seq), 0) - $3 from messages where channel_id = $2)), updated_at = now()
          where user_id = $1 and channel_id = $2`,
        [String(user), String(group.id), Math.floor(random() * 3)],
      );
    } else if (roll < 0.95) {
      await pool.query('update users set nickname = $2, profile_ver = profile_ver + 1, updated_at = now() where id = $1', [
        String(user),
        `n${Math.floor(random() * 1e6)}`,
      ]);
    } else {
      await pool.query(
        `update messages set recalled_at = now() where id = (
           select id from messages where channel_id = $1 and sender_id = $2 and recalled_at is null order by seq desc limit 1)`,
        [String(group.id), String(user)],
      );
    }
  }

  const done = (async () => {
    const pause = 1000 / perSecond;
    while (running) {
      const started = Date.now();
      try {
        await oneWrite();
        stats.committed += 1;
      } catch (error) {
        stats.failed += 1;
        stats.lastError = (error as Error).message;
        await sleep(200);
      }
      await sleep(Math.max(0, pause - (Date.now() - started)));
    }
  })();

  return {
    stats,
    /** Resolves once `count` more writes than now have committed. */
    async committedMore(count: number, timeoutMs = 120_000): Promise<void> {
      const target = stats.committed + count;
      const deadline = Date.now() + timeoutMs;
      while (stats.committed < target) {
        if (Date.now() > deadline)
          throw new Error(
            `write load stalled at ${stats.committed} commits (${stats.failed} failed; last error: ${stats.lastError ?? 'none'})`,
          );
        await sleep(100);
      }
    },
    async stop(): Promise<LoadStats> {
      running = false;
      await done;
      await pool.end();
      return stats;
    },
  };
}

async function inTransaction(pool: Pool, work: (tx: import('pg').PoolClient) => Promise<void>): Promise<void> {
  const tx = await pool.connect();
  try {
    await tx.query('begin');
    await work(tx);
    await tx.query('commit');
  } catch (error) {
    await tx.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}
