import type { ConversationRow } from '../views/userConversationView';
import type { ChannelRef, FriendshipRef, LastMessageRef, MemberRef, UserRef } from './refRows';

export interface ConversationInputs {
  readonly member: MemberRef;
  readonly channel: ChannelRef;
  /** The other member of a direct channel, if its row has arrived. */
  readonly peer: MemberRef | undefined;
  readonly peerUser: UserRef | undefined;
  /** friendships(user_id = member, friend_id = peer), live or deleted. */
  readonly friendship: FriendshipRef | undefined;
  readonly lastMessage: LastMessageRef | undefined;
  readonly lastSender: UserRef | undefined;
  readonly lastReadSeq: bigint;
  readonly unreadCount: number;
}

/** The contract's definition of one conversation row, given the rows it depends on. */
export function conversationRow(input: ConversationInputs): ConversationRow {
  const { member, channel, lastMessage } = input;
  const direct = channel.channelType === 1;
  const peerUserId = direct ? (input.peer?.userId ?? null) : null;
  const peerNickname = direct ? (input.peerUser?.nickname ?? '') : '';
  const peerAvatar = direct ? (input.peerUser?.avatar ?? '') : '';
  const remarkName = direct && input.friendship?.existsNow === true ? input.friendship.remarkName : '';
  return {
    userId: member.userId,
    channelId: member.channelId,
    conversationType: channel.channelType,
    peerUserId,
    peerNickname,
    peerAvatar,
    remarkName,
    conversationName: direct ? (remarkName !== '' ? remarkName : peerNickname) : channel.channelName,
    conversationAvatar: direct ? peerAvatar : channel.channelAvatar,
    lastMessageId: lastMessage?.id ?? null,
    lastMessageSeq: lastMessage?.seq ?? 0n,
    lastMessageType: lastMessage?.msgType ?? null,
    lastMessageContent: lastMessage === undefined || lastMessage.recalled ? '' : lastMessage.content,
    lastMessageSenderId: lastMessage?.senderId ?? null,
    lastMessageSenderName: input.lastSender?.nickname ?? '',
    lastMessageTime: lastMessage?.createdAt ?? null,
    unreadCount: input.unreadCount,
    isPinned: member.isPinned,
    isMuted: member.isMuted,
    isHidden: member.isHidden,
    closedAt: member.leftAt ?? channel.dissolvedAt,
    memberVer: member.ver,
    channelInfoVer: channel.ver,
    peerProfileVer: direct ? (input.peerUser?.ver ?? 0n) : 0n,
    lastReadSeq: input.lastReadSeq,
  };
}

export type { ConversationRow };
