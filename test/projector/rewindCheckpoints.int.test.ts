import { createReadPool } from '../../projector/db/readPool';
import { rewindCheckpoints } from '../../projector/store/checkpoints';
import { stackEnv, uniqueName } from '../support/stackEnv';

/** A replay moves checkpoints back, never forward, and fences the owners of exactly those it moved. */

const pool = createReadPool(stackEnv().readDatabaseUrl, 2);
const group = uniqueName('rewind');
afterAll(async () => {
  await pool.query('delete from projection_checkpoints where consumer_group = $1', [group]);
  await pool.end();
});

const stored = async () =>
  (
    await pool.query<{ partition: number; next_offset: bigint; owner_epoch: bigint }>(
      'select partition, next_offset, owner_epoch from projection_checkpoints where consumer_group = $1 order by partition',
      [group],
    )
  ).rows.map((r) => [r.partition, r.next_offset, r.owner_epoch]);

it('given checkpoints ahead of, behind and at their targets, when rewound, then only the one ahead moves, and its owner is fenced', async () => {
  // given: partition 0 at 10, partition 1 at 3, partition 2 at 5, each owned in epoch 7
  await pool.query(
    `insert into projection_checkpoints (consumer_group, topic, partition, next_offset, owner_epoch, owner_member)
     select $1, 't', p, o, 7, 'member-a' from unnest(array[0, 1, 2], array[10, 3, 5]) as x(p, o)`,
    [group],
  );
  // when: every target is 5; partition 3 has no checkpoint at all
  const moved = await rewindCheckpoints(
    pool,
    group,
    [0, 1, 2, 3].map((partition) => ({ topic: 't', partition, offset: 5n })),
  );
  // then
  expect(moved).toEqual([{ topic: 't', partition: 0, from: 10n, to: 5n }]);
  expect(await stored()).toEqual([
    [0, 5n, 8n],
    [1, 3n, 7n],
    [2, 5n, 7n],
  ]);
});
