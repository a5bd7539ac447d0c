/**
 * The view builder's work is split into shards by owner: every row of the four contract views
 * belongs to one user (`user_id`, `owner_user_id`), and a shard builds only its owners' rows, so
 * shards never write the same row and members can build them in parallel.
 *
 * The shard is `hashint8(owner) & 0x7fffffff % BUILDER_SHARDS`, the expression projection_dirty's
 * generated `shard` column uses for marks of one owner (migrations 0003 and 0004): marks are
 * routed by the database, and the builder filters the rows it reads with the same function here.
 * The count is fixed by those migrations; members take any number of shards.
 */
export const BUILDER_SHARDS = 16;

/** Marks that fan out (a channel, a recount, a profile): expanded into shard marks first. */
export const FAN_OUT_SHARD = -1;

/**
 * Where a shard's marks wait (projection_dirty.shard, migration 0004): marks of one owner under
 * the shard itself, marks of a channel's members in the shard (kinds 7 and 8) under
 * BUILDER_SHARDS + shard. Releases before those kinds read only the first range, so during a
 * rolling upgrade their members leave the new marks to this release's, which hold the same shard lock.
 */
export const storedShardsOf = (shard: number): readonly number[] => [shard, BUILDER_SHARDS + shard];

/** The builder shard whose marks wait under `stored` (the inverse of storedShardsOf). */
export const shardOfStored = (stored: number): number => stored % BUILDER_SHARDS;

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** PostgreSQL's hash_bytes_uint32 (Jenkins' lookup3 final mix), on unsigned 32-bit values. */
function hashUint32(k: number): number {
  let a = (0x9e3779b9 + 4 + 3923095) >>> 0;
  let b = a;
  let c = a;
  a = (a + k) >>> 0;
  c = ((c ^ b) - rotl(b, 14)) >>> 0;
  a = ((a ^ c) - rotl(c, 11)) >>> 0;
  b = ((b ^ a) - rotl(a, 25)) >>> 0;
  c = ((c ^ b) - rotl(b, 16)) >>> 0;
  a = ((a ^ c) - rotl(c, 4)) >>> 0;
  b = ((b ^ a) - rotl(a, 14)) >>> 0;
  c = ((c ^ b) - rotl(b, 24)) >>> 0;
  return c;
}

/** PostgreSQL's `hashint8(value)`, as the int4 it returns. */
export function hashInt8(value: bigint): number {
  const low = Number(BigInt.asUintN(32, value));
  const high = Number(BigInt.asUintN(32, value >> 32n));
  const folded = (value >= 0n ? low ^ high : low ^ ~high) >>> 0;
  return hashUint32(folded) | 0;
}

/** The same shard in SQL, of an int8 column or expression: for statements that pick rows by shard. */
export const shardOfOwnerSql = (owner: string): string => `((hashint8(${owner}) & 2147483647) % ${BUILDER_SHARDS})`;

/** The shard whose builder writes this owner's rows. */
export function shardOfOwner(userId: bigint): number {
  return (hashInt8(userId) & 0x7fffffff) % BUILDER_SHARDS;
}
