import { shardOfOwner } from './builderShard';
import type { ShardMark } from './dirtyMark';
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
  /** Channels whose members' rows in the given shards are all rebuilt (their info or messages changed). */
  readonly channelsInShards: Map<bigint, Set<number>>;
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

function addChannelInShard(keys: MarkedKeys, channelId: bigint, shard: number): void {
  const shards = keys.channelsInShards.get(channelId) ?? new Set<number>();
  shards.add(shard);
  keys.channelsInShards.set(channelId, shards);
}

/** Sorts marks by what they ask for. */
export function keysOfMarks(marks: readonly ShardMark[]): MarkedKeys {
  const remarkPairs: ContactKey[] = [];
  const keys: MarkedKeys = {
    conversations: new Map(),
    contacts: new Map(),
    channelsInShards: new Map(),
    recountChannels: new Set(),
    remarkPairs,
  };
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
      case 'channelInShard':
        addChannelInShard(keys, mark.channelId, mark.shard);
        break;
      case 'recountInShard':
        addChannelInShard(keys, mark.channelId, mark.shard);
        keys.recountChannels.add(mark.channelId);
        break;
      default: {
        const unreachable: never = mark;
        throw new Error(`unknown mark ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return keys;
}

/** Every channel the marks name, whole or by one member. */
export const markedChannels = (keys: MarkedKeys): bigint[] => [
  ...new Set([...keys.channelsInShards.keys(), ...[...keys.conversations.values()].map((k) => k.channelId)]),
];

/** A group channel whose members in one shard are all read. */
export interface ChannelInShard {
  readonly channelId: bigint;
  readonly shard: number;
}

/**
 * Which members to read, each once: both members of a direct channel (each one's row depends on
 * the other member); the members in the marked shards of a group channel marked as a whole;
 * single members elsewhere. Keys of channels not yet arrived are left for the channel's own mark.
 */
export function membersToRead(
  keys: MarkedKeys,
  channels: ReadonlyMap<bigint, ChannelRef>,
): {
  readonly wholeChannels: readonly bigint[];
  readonly channelsInShards: readonly ChannelInShard[];
  readonly singleMembers: readonly ConversationKey[];
} {
  const known = markedChannels(keys).filter((id) => channels.has(id));
  const wholeChannels = known.filter((id) => channels.get(id)?.channelType === 1);
  const whole = new Set(wholeChannels);
  const channelsInShards = known
    .filter((id) => !whole.has(id))
    .flatMap((channelId) => [...(keys.channelsInShards.get(channelId) ?? [])].map((shard) => ({ channelId, shard })));
  const readInShard = (k: ConversationKey) => keys.channelsInShards.get(k.channelId)?.has(shardOfOwner(k.userId)) === true;
  const singleMembers = [...keys.conversations.values()].filter(
    (k) => !whole.has(k.channelId) && channels.has(k.channelId) && !readInShard(k),
  );
  return { wholeChannels, channelsInShards, singleMembers };
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
