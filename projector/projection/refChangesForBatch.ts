import type { ChangeEvent } from '../decode/changeEvent';
import type { DirtyMark } from './dirtyMark';
import { markKey } from './dirtyMark';
import {
  friendshipIsNewer,
  isNewer,
  lastMessageIsNewer,
  type ChannelCandidate,
  type FriendshipCandidate,
  type LastMessageCandidate,
  type MemberRef,
  type MessageRef,
  type ReadRecordRef,
  type UserCandidate,
} from './refRows';
import { channelText, friendshipText, lastMessageText, userText } from './unavailableText';

/**
 * What a batch of change events does to the reference copies: at most one candidate row per key
 * (the newest in the batch, by the same rule the store's guards use, with any text its event did
 * not carry taken from an older one where it may be), and the view keys to rebuild. The store
 * writes each candidate only if it is newer than the stored row.
 */
export interface RefChanges {
  readonly users: readonly UserCandidate[];
  readonly channels: readonly ChannelCandidate[];
  readonly members: readonly MemberRef[];
  readonly messages: readonly MessageRef[];
  readonly lastMessages: readonly LastMessageCandidate[];
  readonly readRecords: readonly ReadRecordRef[];
  readonly friendships: readonly FriendshipCandidate[];
  readonly marks: readonly DirtyMark[];
}

class NewestByKey<T> {
  private readonly rows = new Map<string, T>();

  constructor(
    private readonly newer: (incoming: T, current: T | undefined) => boolean,
    private readonly lend: (candidate: T, lender: T | undefined) => T = (candidate) => candidate,
  ) {}

  offer(key: string, row: T): void {
    const current = this.rows.get(key);
    // The row that loses may still hold a text the winner's event did not carry (unavailableText.ts).
    if (this.newer(row, current)) this.rows.set(key, this.lend(row, current));
    else if (current !== undefined) this.rows.set(key, this.lend(current, row));
  }

  values(): T[] {
    return [...this.rows.values()];
  }
}

export function refChangesForBatch(events: readonly ChangeEvent[]): RefChanges {
  const users = new NewestByKey<UserCandidate>(isNewer, userText.lend);
  const channels = new NewestByKey<ChannelCandidate>(isNewer, channelText.lend);
  const members = new NewestByKey<MemberRef>(isNewer);
  const messages = new NewestByKey<MessageRef>((incoming, current) => current === undefined || (incoming.recalled && !current.recalled));
  const lastMessages = new NewestByKey<LastMessageCandidate>(lastMessageIsNewer, lastMessageText.lend);
  const readRecords = new NewestByKey<ReadRecordRef>(isNewer);
  const friendships = new NewestByKey<FriendshipCandidate>(friendshipIsNewer, friendshipText.lend);
  const marks = new Map<string, DirtyMark>();
  const mark = (m: DirtyMark) => marks.set(markKey(m).join(':'), m);

  for (const event of events) {
    const lsn = event.source.lsn;
    switch (event.table) {
      case 'users': {
        const r = event.row;
        users.offer(`${r.id}`, { id: r.id, nickname: r.nickname, avatar: r.avatar, ver: BigInt(r.profileVer), lsn });
        mark({ kind: 'user', userId: r.id });
        break;
      }
      case 'channels': {
        const r = event.row;
        channels.offer(`${r.id}`, {
          id: r.id,
          channelType: r.channelType,
          channelName: r.channelName,
          channelAvatar: r.channelAvatar,
          dissolvedAt: r.dissolvedAt,
          ver: BigInt(r.channelInfoVer),
          lsn,
        });
        mark({ kind: 'channel', channelId: r.id });
        break;
      }
      case 'channel_members': {
        const r = event.row;
        members.offer(`${r.channelId}:${r.userId}`, {
          channelId: r.channelId,
          userId: r.userId,
          role: r.role,
          leftAt: r.leftAt,
          isPinned: r.isPinned,
          isMuted: r.isMuted,
          isHidden: r.isHidden,
          ver: BigInt(r.memberVer),
          lsn,
        });
        mark({ kind: 'conversation', userId: r.userId, channelId: r.channelId });
        break;
      }
      case 'messages': {
        const r = event.row;
        const recalled = r.recalledAt !== null;
        messages.offer(`${r.channelId}:${r.seq}`, { channelId: r.channelId, seq: r.seq, senderId: r.senderId, recalled });
        lastMessages.offer(`${r.channelId}`, {
          channelId: r.channelId,
          id: r.id,
          seq: r.seq,
          senderId: r.senderId,
          msgType: r.msgType,
          content: r.content,
          createdAt: r.createdAt,
          recalled,
        });
        mark({ kind: recalled ? 'recount' : 'channel', channelId: r.channelId });
        break;
      }
      case 'channel_read_records': {
        const r = event.row;
        readRecords.offer(`${r.userId}:${r.channelId}`, { userId: r.userId, channelId: r.channelId, ver: r.lastReadSeq, lsn });
        mark({ kind: 'conversation', userId: r.userId, channelId: r.channelId });
        break;
      }
      case 'friendships': {
        const ref: FriendshipCandidate =
          event.op === 'd'
            ? { userId: event.key.userId, friendId: event.key.friendId, remarkName: '', createdAt: null, existsNow: false, ver: 0n, lsn }
            : {
                userId: event.row.userId,
                friendId: event.row.friendId,
                remarkName: event.row.remarkName,
                createdAt: event.row.createdAt,
                existsNow: true,
                ver: BigInt(event.row.friendVer),
                lsn,
              };
        friendships.offer(`${ref.userId}:${ref.friendId}`, ref);
        mark({ kind: 'contact', userId: ref.userId, contactUserId: ref.friendId });
        break;
      }
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  return {
    users: users.values(),
    channels: channels.values(),
    members: members.values(),
    messages: messages.values(),
    lastMessages: lastMessages.values(),
    readRecords: readRecords.values(),
    friendships: friendships.values(),
    marks: [...marks.values()],
  };
}
