import { hashInt8, shardOfOwner, shardOfStored, storedShardsOf, BUILDER_SHARDS } from './builderShard';

describe('builder shards', () => {
  it('hashes an owner exactly as PostgreSQL 15 hashint8 does', () => {
    // Printed by `select x, hashint8(x)` on the stack's PostgreSQL 15.
    const fromPostgres: ReadonlyArray<readonly [bigint, number]> = [
      [0n, -272711505],
      [1n, -1905060026],
      [2n, 1134484726],
      [-1n, 385747274],
      [42n, 1509752520],
      [4294967296n, -1905060026],
      [-4294967297n, -1242090879],
      [9223372036854775807n, -1524351049],
      [-9223372036854775808n, -96758253],
      [123456789012345n, 297539683],
    ];
    expect(fromPostgres.map(([value]) => [value, hashInt8(value)])).toEqual(fromPostgres);
  });

  it('spreads consecutive ids over every shard', () => {
    const counts = new Array<number>(BUILDER_SHARDS).fill(0);
    for (let id = 1n; id <= 16_000n; id += 1n) counts[shardOfOwner(id)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it("keeps each shard's marks under two stored values that map back to it, the second range out of the first's reach", () => {
    for (let shard = 0; shard < BUILDER_SHARDS; shard += 1) {
      const stored = storedShardsOf(shard);
      expect(stored.map(shardOfStored)).toEqual([shard, shard]);
      expect(stored[1]).toBeGreaterThanOrEqual(BUILDER_SHARDS);
    }
  });
});
