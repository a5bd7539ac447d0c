import { sql } from 'drizzle-orm';
import type { WriteTransaction } from '../db/writeTransaction';

/**
 * Serializes every command about one unordered pair of users (friend applications, accepting,
 * unfriending, opening their direct channel) until the transaction ends. The tables cannot
 * express "one pending application per pair" or "one direct channel per pair" as a constraint,
 * so this lock is what keeps those rules under concurrent requests. A hash collision only makes
 * two unrelated pairs wait for each other.
 */
export async function lockUserPair(tx: WriteTransaction, a: bigint, b: bigint): Promise<void> {
  const [low, high] = a < b ? [a, b] : [b, a];
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`user_pair:${low}:${high}`}, 0))`);
}
