import type { DirtyMark } from './dirtyMark';
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

/** The view keys a set of marks names directly, before fan-out through the indexes. */
export interface MarkedKeys {
  readonly conversations: Map<string, ConversationKey>;
  readonly contacts: Map<string, ContactKey>;
  /** Channels whose every member's row is rebuilt. */
  readonly wholeChannels: Set<bigint>;
  /** Channels whose unread counts are counted afresh (a message was recalled). */
  readonly recountChannels: Set<bigint>;
  /** Users whose profile changed: every row that shows them is rebuilt. */
  readonly profileUsers: readonly bigint[];
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
export function keysOfMarks(marks: readonly DirtyMark[]): MarkedKeys {
  const profileUsers: bigint[] = [];
  const remarkPairs: ContactKey[] = [];
  const keys: MarkedKeys = {
    conversations: new Map(),
    contacts: new Map(),
    wholeChannels: new Set(),
    recountChannels: new Set(),
    profileUsers,
    remarkPairs,
  };
  for (const mark of marks) {
    switch (mark.kind) {
      case 'conversation':
        addConversation(keys, mark);
        break;
      case 'channel':
        keys.wholeChannels.add(mark.channelId);
        break;
      case 'recount':
        keys.wholeChannels.add(mark.channelId);
        keys.recountChannels.add(mark.channelId);
        break;
      case 'user':
        profileUsers.push(mark.userId);
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
 * Which members to read: every member of a channel rebuilt whole (marked whole, or direct, since
 * each member's row of a direct channel depends on the other member), and single members
 * elsewhere. Keys of channels not yet arrived are left for the channel's own mark.
 */
export function membersToRead(
  keys: MarkedKeys,
  channels: ReadonlyMap<bigint, ChannelRef>,
): { readonly wholeChannels: readonly bigint[]; readonly singleMembers: readonly ConversationKey[] } {
  const channelIds = new Set([...keys.wholeChannels, ...[...keys.conversations.values()].map((k) => k.channelId)]);
  const wholeChannels = [...channelIds].filter((id) => keys.wholeChannels.has(id) || channels.get(id)?.channelType === 1);
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

/** The rows to build: every member read whose channel is known. */
export function conversationTargets(channels: ReadonlyMap<bigint, ChannelRef>, members: readonly MemberRef[]): ConversationTarget[] {
  const byChannel = new Map<bigint, MemberRef[]>();
  for (const m of members) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
  const targets: ConversationTarget[] = [];
  for (const [channelId, channelMembers] of byChannel) {
    const channel = channels.get(channelId);
    if (channel === undefined) continue; // Built when the channel arrives (its own mark).
    for (const member of channelMembers) {
      const peer = channel.channelType === 1 ? channelMembers.find((m) => m.userId !== member.userId) : undefined;
      targets.push({ member, channel, peer });
    }
  }
  return targets;
}
