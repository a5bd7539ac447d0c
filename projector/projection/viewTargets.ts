import type { OwnerMark } from './dirtyMark';
import { pairKey } from './pairKey';
import type { ChannelRef, MemberRef } from './refRows';

export interface ConversationKey {
  readonly userId: bigint;
  readonly channelId: bigint;
}

export interface ContactKey {
  readonly userId: bigint;
  readonly contactUserId: bigint;
}

/** The view keys a shard's marks name (fan-out marks were expanded into these already). */
export interface MarkedKeys {
  readonly conversations: Map<string, ConversationKey>;
  readonly contacts: Map<string, ContactKey>;
  /** Channels whose marked rows count unread messages afresh (a message was recalled). */
  readonly recountChannels: Set<bigint>;
  /** Pairs whose remark changed: their direct conversations are rebuilt too. */
  readonly remarkPairs: readonly ContactKey[];
}

export function addConversation(keys: MarkedKeys, key: ConversationKey): void {
  keys.conversations.set(pairKey(key.userId, key.channelId), key);
}

export function addContact(keys: MarkedKeys, key: ContactKey): void {
  keys.contacts.set(pairKey(key.userId, key.contactUserId), key);
}

/** Sorts marks by what they ask for. */
export function keysOfMarks(marks: readonly OwnerMark[]): MarkedKeys {
  const remarkPairs: ContactKey[] = [];
  const keys: MarkedKeys = { conversations: new Map(), contacts: new Map(), recountChannels: new Set(), remarkPairs };
  for (const mark of marks) {
    switch (mark.kind) {
      case 'conversation':
        addConversation(keys, mark);
        break;
      case 'unreadRecount':
        // Counting afresh is exact for any row: the channel's other rows in this pass may share it.
        addConversation(keys, mark);
        keys.recountChannels.add(mark.channelId);
        break;
      case 'contact':
        addContact(keys, mark);
        remarkPairs.push(mark);
        break;
      default: {
        const unreachable: never = mark;
        throw new Error(`unknown mark ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return keys;
}

/**
 * Which members to read: both members of a direct channel (each one's row depends on the other
 * member), single members elsewhere. Keys of channels not yet arrived are left for the channel's
 * own mark.
 */
export function membersToRead(
  keys: MarkedKeys,
  channels: ReadonlyMap<bigint, ChannelRef>,
): { readonly wholeChannels: readonly bigint[]; readonly singleMembers: readonly ConversationKey[] } {
  const channelIds = new Set([...keys.conversations.values()].map((k) => k.channelId));
  const wholeChannels = [...channelIds].filter((id) => channels.get(id)?.channelType === 1);
  const whole = new Set(wholeChannels);
  const singleMembers = [...keys.conversations.values()].filter((k) => !whole.has(k.channelId) && channels.has(k.channelId));
  return { wholeChannels, singleMembers };
}

export interface ConversationTarget {
  readonly member: MemberRef;
  readonly channel: ChannelRef;
  /** The other member of a direct channel, if its row has arrived. */
  readonly peer: MemberRef | undefined;
}

/**
 * The rows to build: every member read whose channel is known and whose rows this builder owns
 * (`owns`; a direct channel's other member may belong to another shard).
 */
export function conversationTargets(
  channels: ReadonlyMap<bigint, ChannelRef>,
  members: readonly MemberRef[],
  owns: (userId: bigint) => boolean = () => true,
): ConversationTarget[] {
  const byChannel = new Map<bigint, MemberRef[]>();
  for (const m of members) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
  const targets: ConversationTarget[] = [];
  for (const [channelId, channelMembers] of byChannel) {
    const channel = channels.get(channelId);
    if (channel === undefined) continue; // Built when the channel arrives (its own mark).
    for (const member of channelMembers) {
      if (!owns(member.userId)) continue;
      const peer = channel.channelType === 1 ? channelMembers.find((m) => m.userId !== member.userId) : undefined;
      targets.push({ member, channel, peer });
    }
  }
  return targets;
}
