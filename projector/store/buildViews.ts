import type { PoolClient } from 'pg';
import { contactRow, type ContactRow } from '../projection/contactRow';
import { conversationRow, type ConversationRow } from '../projection/conversationRow';
import type { DirtyMark } from '../projection/dirtyMark';
import type { ChannelRef, FriendshipRef, LastMessageRef, MemberRef, MessageRef, UserRef } from '../projection/refRows';
import { countOn, unreadPlan, type CountedState } from '../projection/unreadCount';
import { big, bigOrNull, channelRef, friendshipRef, lastMessageRef, memberRef, messageRef, userRef } from './rowReaders';
import { int64s } from './sqlValues';
import { deleteContactRows, syncConversationReverseIndex, upsertConversationRows, upsertContactRows } from './viewRowWriter';

export interface BuildResult {
  readonly conversationRows: number;
  readonly conversationRowsChanged: number;
  readonly contactRows: number;
}

const pairKey = (a: bigint, b: bigint) => `${a}:${b}`;

/**
 * Recomputes every view row the marks point at from the ref_ tables, inside the builder's
 * transaction. Fan-out goes through the reverse indexes and the channel-to-members table.
 * Lookups by a list of keys are written as LATERAL subqueries: one index probe per key (and one
 * partition, by run-time pruning), never a hash join that scans every partition.
 */
export async function buildViews(tx: PoolClient, marks: readonly DirtyMark[]): Promise<BuildResult> {
  const fullChannels = new Set<bigint>();
  const recountChannels = new Set<bigint>();
  const conversationKeys = new Map<string, { userId: bigint; channelId: bigint }>();
  const contactKeys = new Map<string, { userId: bigint; contactUserId: bigint }>();
  const addConversation = (userId: bigint, channelId: bigint) => conversationKeys.set(pairKey(userId, channelId), { userId, channelId });
  const addContact = (userId: bigint, contactUserId: bigint) => contactKeys.set(pairKey(userId, contactUserId), { userId, contactUserId });

  const profileUsers: bigint[] = [];
  const contactMarks: Array<{ userId: bigint; contactUserId: bigint }> = [];
  for (const mark of marks) {
    switch (mark.kind) {
      case 'conversation':
        addConversation(mark.userId, mark.channelId);
        break;
      case 'channel':
        fullChannels.add(mark.channelId);
        break;
      case 'recount':
        fullChannels.add(mark.channelId);
        recountChannels.add(mark.channelId);
        break;
      case 'user':
        profileUsers.push(mark.userId);
        break;
      case 'contact':
        addContact(mark.userId, mark.contactUserId);
        contactMarks.push(mark);
        break;
      default: {
        const unreachable: never = mark;
        throw new Error(`unknown mark ${JSON.stringify(unreachable)}`);
      }
    }
  }

  if (profileUsers.length > 0) {
    const ids = int64s(profileUsers);
    const asPeer = await tx.query('select owner_user_id, channel_id from conversation_reverse_index where peer_user_id = any($1::bigint[])', [ids]);
    for (const r of asPeer.rows) addConversation(big(r.owner_user_id), big(r.channel_id));
    const asSender = await tx.query('select channel_id from ref_last_messages where sender_id = any($1::bigint[])', [ids]);
    for (const r of asSender.rows) fullChannels.add(big(r.channel_id));
    const asContact = await tx.query('select owner_user_id, contact_user_id from contact_reverse_index where contact_user_id = any($1::bigint[])', [ids]);
    for (const r of asContact.rows) addContact(big(r.owner_user_id), big(r.contact_user_id));
  }
  if (contactMarks.length > 0) {
    // A remark shows on the direct conversations of the pair.
    const direct = await tx.query(
      `select r.owner_user_id, r.channel_id from unnest($1::bigint[], $2::bigint[]) k(owner, peer)
         cross join lateral (select * from conversation_reverse_index r where r.peer_user_id = k.peer and r.owner_user_id = k.owner) r`,
      [int64s(contactMarks.map((m) => m.userId)), int64s(contactMarks.map((m) => m.contactUserId))],
    );
    for (const r of direct.rows) addConversation(big(r.owner_user_id), big(r.channel_id));
  }

  const built = await buildConversations(tx, fullChannels, recountChannels, [...conversationKeys.values()]);
  // A pair's contact rows show their smallest direct channel: rebuilt when a new one appears.
  for (const pair of built.newDirectPairs) {
    addContact(pair.owner, pair.peer);
    addContact(pair.peer, pair.owner);
  }
  const contacts = await buildContacts(tx, [...contactKeys.values()]);
  return { conversationRows: built.rows.length, conversationRowsChanged: built.changed, contactRows: contacts };
}

async function buildConversations(
  tx: PoolClient,
  fullChannels: ReadonlySet<bigint>,
  recountChannels: ReadonlySet<bigint>,
  keys: ReadonlyArray<{ userId: bigint; channelId: bigint }>,
): Promise<{ rows: ConversationRow[]; changed: number; newDirectPairs: Array<{ owner: bigint; peer: bigint }> }> {
  const channelIds = [...new Set([...fullChannels, ...keys.map((k) => k.channelId)])];
  if (channelIds.length === 0) return { rows: [], changed: 0, newDirectPairs: [] };

  const channels = new Map<bigint, ChannelRef>();
  for (const r of (await tx.query('select * from ref_channels where id = any($1::bigint[])', [int64s(channelIds)])).rows) {
    const c = channelRef(r);
    channels.set(c.id, c);
  }
  // Whole channels: those marked, and direct ones (each member's row depends on the other member).
  const whole = channelIds.filter((id) => fullChannels.has(id) || channels.get(id)?.channelType === 1);
  const wholeSet = new Set(whole);
  const single = keys.filter((k) => !wholeSet.has(k.channelId) && channels.has(k.channelId));

  const membersByChannel = new Map<bigint, MemberRef[]>();
  const memberRows = [
    ...(await tx.query('select * from ref_channel_members where channel_id = any($1::bigint[])', [int64s(whole)])).rows,
    ...(single.length === 0
      ? []
      : (
          await tx.query(
            `select m.* from unnest($1::bigint[], $2::bigint[]) k(channel_id, user_id)
               cross join lateral (select * from ref_channel_members m where m.channel_id = k.channel_id and m.user_id = k.user_id) m`,
            [int64s(single.map((k) => k.channelId)), int64s(single.map((k) => k.userId))],
          )
        ).rows),
  ];
  for (const r of memberRows) {
    const m = memberRef(r);
    membersByChannel.set(m.channelId, [...(membersByChannel.get(m.channelId) ?? []), m]);
  }

  // The rows to build: every known member of a known channel among the targets.
  const targets: Array<{ member: MemberRef; channel: ChannelRef; peer: MemberRef | undefined }> = [];
  for (const [channelId, members] of membersByChannel) {
    const channel = channels.get(channelId);
    if (channel === undefined) continue; // Built when the channel arrives (its own mark).
    for (const member of members) {
      const peer = channel.channelType === 1 ? members.find((m) => m.userId !== member.userId) : undefined;
      targets.push({ member, channel, peer });
    }
  }
  if (targets.length === 0) return { rows: [], changed: 0, newDirectPairs: [] };
  const owners = int64s(targets.map((t) => t.member.userId));
  const targetChannels = int64s(targets.map((t) => t.member.channelId));

  const lastMessages = new Map<bigint, LastMessageRef>();
  for (const r of (await tx.query('select * from ref_last_messages where channel_id = any($1::bigint[])', [targetChannels])).rows) {
    const m = lastMessageRef(r);
    lastMessages.set(m.channelId, m);
  }

  const readSeqs = new Map<string, bigint>();
  const reads = await tx.query(
    `select r.user_id, r.channel_id, r.last_read_seq from unnest($1::bigint[], $2::bigint[]) k(user_id, channel_id)
       cross join lateral (select * from ref_read_records r where r.user_id = k.user_id and r.channel_id = k.channel_id) r`,
    [owners, targetChannels],
  );
  for (const r of reads.rows) readSeqs.set(pairKey(big(r.user_id), big(r.channel_id)), big(r.last_read_seq));

  const existing = new Map<string, CountedState & { peerUserId: bigint | null }>();
  const current = await tx.query(
    `select v.user_id, v.channel_id, v.unread_count, v.last_message_seq, v.last_read_seq, v.peer_user_id
       from unnest($1::bigint[], $2::bigint[]) k(user_id, channel_id)
       cross join lateral (select * from user_conversation_view v where v.user_id = k.user_id and v.channel_id = k.channel_id) v`,
    [owners, targetChannels],
  );
  for (const r of current.rows) {
    existing.set(pairKey(big(r.user_id), big(r.channel_id)), {
      unreadCount: Number(r.unread_count),
      lastMessageSeq: big(r.last_message_seq),
      lastReadSeq: big(r.last_read_seq),
      peerUserId: bigOrNull(r.peer_user_id),
    });
  }

  const userIds = new Set<bigint>();
  for (const t of targets) if (t.peer !== undefined) userIds.add(t.peer.userId);
  for (const m of lastMessages.values()) userIds.add(m.senderId);
  const users = new Map<bigint, UserRef>();
  if (userIds.size > 0) {
    for (const r of (await tx.query('select * from ref_users where id = any($1::bigint[])', [int64s([...userIds])])).rows) {
      const u = userRef(r);
      users.set(u.id, u);
    }
  }

  const directPairs = targets.filter((t) => t.peer !== undefined);
  const friendships = new Map<string, FriendshipRef>();
  if (directPairs.length > 0) {
    const found = await tx.query(
      `select f.* from unnest($1::bigint[], $2::bigint[]) k(user_id, friend_id)
         cross join lateral (select * from ref_friendships f where f.user_id = k.user_id and f.friend_id = k.friend_id) f`,
      [int64s(directPairs.map((t) => t.member.userId)), int64s(directPairs.map((t) => t.peer!.userId))],
    );
    for (const r of found.rows) {
      const f = friendshipRef(r);
      friendships.set(pairKey(f.userId, f.friendId), f);
    }
  }

  // Unread counts: counted on from the stored row where that is exact, else counted afresh.
  const plans = targets.map((t) => {
    const key = pairKey(t.member.userId, t.member.channelId);
    const lastReadSeq = readSeqs.get(key) ?? 0n;
    return { key, lastReadSeq, plan: unreadPlan(existing.get(key), lastReadSeq, recountChannels.has(t.member.channelId)) };
  });
  const countFrom = new Map<bigint, bigint>();
  plans.forEach((p, i) => {
    if (p.plan.kind !== 'incremental') return;
    const channelId = targets[i]!.member.channelId;
    const from = countFrom.get(channelId);
    if (from === undefined || p.plan.countedTo < from) countFrom.set(channelId, p.plan.countedTo);
  });
  const newMessages = new Map<bigint, MessageRef[]>();
  if (countFrom.size > 0) {
    const found = await tx.query(
      `select m.channel_id, m.seq, m.sender_id, m.recalled from unnest($1::bigint[], $2::bigint[]) k(channel_id, after_seq)
         cross join lateral (select * from ref_messages m where m.channel_id = k.channel_id and m.seq > k.after_seq) m`,
      [int64s([...countFrom.keys()]), int64s([...countFrom.values()])],
    );
    for (const r of found.rows) {
      const m = messageRef(r);
      newMessages.set(m.channelId, [...(newMessages.get(m.channelId) ?? []), m]);
    }
  }
  const fullCounts = new Map<string, number>();
  const fullIndexes = plans.flatMap((p, i) => (p.plan.kind === 'full' ? [i] : []));
  if (fullIndexes.length > 0) {
    const counted = await tx.query(
      `select k.user_id, k.channel_id,
              (select count(*) from ref_messages m
                where m.channel_id = k.channel_id and m.seq > k.last_read_seq and m.sender_id <> k.user_id and not m.recalled) as unread
         from unnest($1::bigint[], $2::bigint[], $3::bigint[]) k(user_id, channel_id, last_read_seq)`,
      [
        int64s(fullIndexes.map((i) => targets[i]!.member.userId)),
        int64s(fullIndexes.map((i) => targets[i]!.member.channelId)),
        int64s(fullIndexes.map((i) => plans[i]!.lastReadSeq)),
      ],
    );
    for (const r of counted.rows) fullCounts.set(pairKey(big(r.user_id), big(r.channel_id)), Number(r.unread));
  }

  const rows = targets.map((t, i) => {
    const { key, lastReadSeq, plan } = plans[i]!;
    const lastMessage = lastMessages.get(t.member.channelId);
    const unreadCount =
      plan.kind === 'incremental' ? countOn(plan, t.member.userId, lastReadSeq, newMessages.get(t.member.channelId) ?? []) : (fullCounts.get(key) ?? 0);
    return conversationRow({
      member: t.member,
      channel: t.channel,
      peer: t.peer,
      peerUser: t.peer === undefined ? undefined : users.get(t.peer.userId),
      friendship: t.peer === undefined ? undefined : friendships.get(pairKey(t.member.userId, t.peer.userId)),
      lastMessage,
      lastSender: lastMessage === undefined ? undefined : users.get(lastMessage.senderId),
      lastReadSeq,
      unreadCount,
    });
  });

  const changed = await upsertConversationRows(tx, rows);
  const wanted = rows.flatMap((r) => (r.peerUserId === null ? [] : [{ peer: r.peerUserId, owner: r.userId, channel: r.channelId }]));
  const stale = rows.flatMap((r) => {
    const before = existing.get(pairKey(r.userId, r.channelId))?.peerUserId ?? null;
    return before !== null && before !== r.peerUserId ? [{ peer: before, owner: r.userId, channel: r.channelId }] : [];
  });
  await syncConversationReverseIndex(tx, wanted, stale);
  const newDirectPairs = rows.flatMap((r) =>
    r.peerUserId !== null && existing.get(pairKey(r.userId, r.channelId))?.peerUserId !== r.peerUserId ? [{ owner: r.userId, peer: r.peerUserId }] : [],
  );
  return { rows, changed, newDirectPairs };
}

async function buildContacts(tx: PoolClient, keys: ReadonlyArray<{ userId: bigint; contactUserId: bigint }>): Promise<number> {
  if (keys.length === 0) return 0;
  const owners = int64s(keys.map((k) => k.userId));
  const contactsIds = int64s(keys.map((k) => k.contactUserId));

  const friendships = new Map<string, FriendshipRef>();
  const found = await tx.query(
    `select f.* from unnest($1::bigint[], $2::bigint[]) k(user_id, friend_id)
       cross join lateral (select * from ref_friendships f where f.user_id = k.user_id and f.friend_id = k.friend_id) f`,
    [owners, contactsIds],
  );
  for (const r of found.rows) {
    const f = friendshipRef(r);
    friendships.set(pairKey(f.userId, f.friendId), f);
  }
  const users = new Map<bigint, UserRef>();
  for (const r of (await tx.query('select * from ref_users where id = any($1::bigint[])', [contactsIds])).rows) {
    const u = userRef(r);
    users.set(u.id, u);
  }
  // The pair's direct channels are exactly the reverse index entries (peer = contact, owner = user).
  const directChannels = new Map<string, bigint>();
  const direct = await tx.query(
    `select k.owner as owner_user_id, k.peer as peer_user_id, r.channel_id from unnest($1::bigint[], $2::bigint[]) k(owner, peer)
       cross join lateral (select min(channel_id) as channel_id from conversation_reverse_index r
                            where r.peer_user_id = k.peer and r.owner_user_id = k.owner) r
      where r.channel_id is not null`,
    [owners, contactsIds],
  );
  for (const r of direct.rows) directChannels.set(pairKey(big(r.owner_user_id), big(r.peer_user_id)), big(r.channel_id));

  const present: ContactRow[] = [];
  const absent: Array<{ userId: bigint; contactUserId: bigint }> = [];
  for (const k of keys) {
    const key = pairKey(k.userId, k.contactUserId);
    const row = contactRow(friendships.get(key), users.get(k.contactUserId), directChannels.get(key) ?? null);
    if (row === null) absent.push(k);
    else present.push(row);
  }
  await upsertContactRows(tx, present);
  await deleteContactRows(tx, absent);
  return present.length;
}
