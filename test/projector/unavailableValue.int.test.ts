import { applyBatch } from '../../projector/consumer/applyBatch';
import type { SourceRecord } from '../../projector/source/changeSource';
import { createReadPool } from '../../projector/db/readPool';
import { claimPartition } from '../../projector/store/checkpoints';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { freshId } from '../support/writeSide';

/**
 * Debezium's placeholder for an unchanged TOASTed value, if it ever arrives (REPLICA IDENTITY
 * DEFAULT, an old topic), never reaches a reference row: the stored value is kept, or the event is
 * dead-lettered with the column and its position. Records as Debezium writes them, applied by the
 * projector's batch path to the real im_read, on a topic and group of this test's own.
 */

const PLACEHOLDER = '__debezium_unavailable_value';
const pool = createReadPool(stackEnv().readDatabaseUrl);

const userEvent = (op: 'c' | 'u', id: bigint, lsn: number, after: { nickname: string; avatar: string; profile_ver: number }) =>
  Buffer.from(
    `{"before":null,"after":{"id":${id},"nickname":${JSON.stringify(after.nickname)},"avatar":${JSON.stringify(after.avatar)},"profile_ver":${after.profile_ver},` +
      `"created_at":"2026-11-21T10:00:00Z","updated_at":"2026-11-21T10:00:00Z"},"source":{"table":"users","lsn":${lsn},"txId":1,"ts_ms":1,"snapshot":"false"},"op":"${op}"}`,
  );

async function applied(group: string, topic: string, values: readonly Buffer[]) {
  const claim = await claimPartition(pool, group, 'member', topic, 0);
  const records: SourceRecord[] = values.map((value, i) => ({ offset: claim.nextOffset + BigInt(i), key: null, value }));
  return applyBatch(pool, group, claim, { topic, partition: 0, records });
}

async function storedUser(id: bigint) {
  const { rows } = await pool.query('select nickname, avatar, profile_ver from ref_users where id = $1', [String(id)]);
  return rows[0];
}

afterAll(async () => {
  await pool.end();
});

test('given a stored user, when a nickname change arrives with the placeholder avatar, then the stored avatar is kept', async () => {
  // given
  const group = uniqueName('unavailable');
  const topic = uniqueName('users');
  const id = freshId();
  await applied(group, topic, [userEvent('c', id, 100, { nickname: 'ann', avatar: 'long avatar', profile_ver: 1 })]);
  // when
  const outcome = await applied(group, topic, [userEvent('u', id, 200, { nickname: 'ann-2', avatar: PLACEHOLDER, profile_ver: 2 })]);
  // then
  expect(outcome).toMatchObject({ kind: 'applied', deadLetters: [] });
  expect(await storedUser(id)).toEqual({ nickname: 'ann-2', avatar: 'long avatar', profile_ver: 2 });
});

test('given no stored user, when an update arrives with the placeholder avatar, then it is dead-lettered naming column and position, and the batch goes on', async () => {
  // given
  const group = uniqueName('unavailable');
  const topic = uniqueName('users');
  const unknown = freshId();
  const other = freshId();
  // when: the update of an unknown user, then a valid change on the same partition
  const outcome = await applied(group, topic, [
    userEvent('u', unknown, 100, { nickname: 'bob-2', avatar: PLACEHOLDER, profile_ver: 2 }),
    userEvent('c', other, 110, { nickname: 'cid', avatar: '', profile_ver: 1 }),
  ]);
  // then
  expect(outcome).toMatchObject({ kind: 'applied', nextOffset: 2n });
  const { rows } = await pool.query(
    'select "offset"::text, error, error_kind from projection_dead_letters where consumer_group = $1 and topic = $2',
    [group, topic],
  );
  expect(rows).toEqual([
    {
      offset: '0',
      error_kind: 'apply',
      error: `column avatar of users arrived as Debezium's unavailable-value placeholder and no stored row holds it: not applied (${topic}/0@0)`,
    },
  ]);
  expect(await storedUser(unknown)).toBeUndefined();
  expect(await storedUser(other)).toEqual({ nickname: 'cid', avatar: '', profile_ver: 1 });
});
