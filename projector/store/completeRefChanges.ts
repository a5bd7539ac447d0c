import type { PoolClient } from 'pg';
import type { RefChanges } from '../projection/refChangesForBatch';
import type { ChannelRef, FriendshipRef, LastMessageRef, UserRef } from '../projection/refRows';
import { channelText, friendshipText, lastMessageText, userText, type TextRule } from '../projection/unavailableText';
import { channelRef, friendshipRef, lastMessageRef, userRef } from './rowReaders';
import { int64s } from './sqlValues';
import { UnavailableValueError } from './unavailableValueError';

/** A batch's reference-row candidates with every text available: what applyRefChanges writes. */
export interface CompleteRefChanges extends Omit<RefChanges, 'users' | 'channels' | 'lastMessages' | 'friendships'> {
  readonly users: readonly UserRef[];
  readonly channels: readonly ChannelRef[];
  readonly lastMessages: readonly LastMessageRef[];
  readonly friendships: readonly FriendshipRef[];
}

/**
 * Fills the unavailable texts of a batch's candidates from the stored reference rows, by the rules
 * of projection/unavailableText.ts. Reads stored rows only for candidates that need them: with
 * REPLICA IDENTITY FULL on the write side, none does, and this costs nothing. A candidate nothing
 * can fill throws UnavailableValueError, so the batch isolates its event and dead-letters it.
 * Runs in the batch transaction, so the stored rows include the batch's earlier writes.
 */
export async function completeRefChanges(tx: PoolClient, changes: RefChanges): Promise<CompleteRefChanges> {
  return {
    ...changes,
    users: await complete(
      changes.users,
      userText,
      (u) => `${u.id}`,
      async (wanted) => {
        const { rows } = await tx.query('select id, nickname, avatar, profile_ver, lsn from ref_users where id = any($1::bigint[])', [
          int64s(wanted.map((u) => u.id)),
        ]);
        return rows.map(userRef).map((u) => [`${u.id}`, u]);
      },
    ),
    channels: await complete(
      changes.channels,
      channelText,
      (c) => `${c.id}`,
      async (wanted) => {
        const { rows } = await tx.query(
          'select id, channel_type, channel_name, channel_avatar, channel_info_ver, dissolved_at, lsn from ref_channels where id = any($1::bigint[])',
          [int64s(wanted.map((c) => c.id))],
        );
        return rows.map(channelRef).map((c) => [`${c.id}`, c]);
      },
    ),
    lastMessages: await complete(
      changes.lastMessages,
      lastMessageText,
      (m) => `${m.channelId}`,
      async (wanted) => {
        const { rows } = await tx.query(
          'select channel_id, id, seq, sender_id, msg_type, content, created_at, recalled from ref_last_messages where channel_id = any($1::bigint[])',
          [int64s(wanted.map((m) => m.channelId))],
        );
        return rows.map(lastMessageRef).map((m) => [`${m.channelId}`, m]);
      },
    ),
    friendships: await complete(
      changes.friendships,
      friendshipText,
      (f) => `${f.userId}:${f.friendId}`,
      async (wanted) => {
        const { rows } = await tx.query(
          `select f.user_id, f.friend_id, f.remark_name, f.friend_ver, f.created_at, f.exists_now, f.lsn
           from unnest($1::bigint[], $2::bigint[]) as k(user_id, friend_id)
           join ref_friendships f on f.user_id = k.user_id and f.friend_id = k.friend_id`,
          [int64s(wanted.map((f) => f.userId)), int64s(wanted.map((f) => f.friendId))],
        );
        return rows.map(friendshipRef).map((f) => [`${f.userId}:${f.friendId}`, f]);
      },
    ),
  };
}

async function complete<Candidate, Ref extends Candidate>(
  candidates: readonly Candidate[],
  rule: TextRule<Candidate, Ref>,
  keyOf: (row: Candidate) => string,
  loadStored: (incomplete: readonly Candidate[]) => Promise<Array<[string, Ref]>>,
): Promise<Ref[]> {
  const incomplete = candidates.filter((c) => !rule.isComplete(c));
  if (incomplete.length === 0) return candidates.filter(rule.isComplete);
  const stored = new Map(await loadStored(incomplete));
  const rows: Ref[] = [];
  for (const candidate of candidates) {
    if (rule.isComplete(candidate)) {
      rows.push(candidate);
      continue;
    }
    const completion = rule.complete(candidate, stored.get(keyOf(candidate)));
    switch (completion.kind) {
      case 'complete':
        rows.push(completion.row);
        break;
      case 'stale':
        break;
      case 'refused':
        throw new UnavailableValueError(completion.missing, completion.reason);
      default: {
        const unreachable: never = completion;
        throw new Error(`unhandled completion ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return rows;
}
