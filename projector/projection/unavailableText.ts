import type { SourceText, UnavailableText } from '../decode/changeEvent';
import {
  friendshipIsNewer,
  isNewer,
  lastMessageIsNewer,
  type ChannelCandidate,
  type ChannelRef,
  type FriendshipCandidate,
  type FriendshipRef,
  type LastMessageCandidate,
  type LastMessageRef,
  type UnavailableSince,
  type UserCandidate,
  type UserRef,
  type Versioned,
} from './refRows';

/**
 * A candidate's unavailable text (see UnavailableText) is taken from an earlier row of the same
 * source row that must hold the same value, or the candidate is refused: the placeholder is never
 * stored. Who may lend:
 *
 * - users and channels: a row of the same version or of the version just before. Every change of
 *   their texts adds 1 to the version (CONTRACT.md), so the rows of one version share them, and an
 *   UPDATE that raised the version by 1 without touching a text left it as it was. (A row one
 *   version behind lends a wrong value only if the event that raised the version was lost and this
 *   one raised nothing; in partition order none is lost.) Further behind, a change in between is
 *   missing (a compacted topic, a dead letter) and the value is unknown.
 * - friendships: the same, within one incarnation (every update adds 1 to friend_ver; a delete ends
 *   the incarnation, and a new one starts with an INSERT, which carries whole values).
 * - last messages: the same message (content never changes; a recall only sets recalled_at).
 *
 * A lender whose text is unavailable too passes on its own place in the chain (unavailableSince).
 */
export interface TextRule<Candidate, Ref extends Candidate> {
  /** True when no text column is unavailable. */
  readonly isComplete: (candidate: Candidate) => candidate is Ref;
  /** The candidate with each unavailable text taken from `lender` where it may lend it. */
  readonly lend: (candidate: Candidate, lender: Candidate | undefined) => Candidate;
  /** What the store does with the candidate, given the stored row of the same key. */
  readonly complete: (candidate: Candidate, stored: Ref | undefined) => Completion<Ref>;
}

export type Completion<Ref> =
  | { readonly kind: 'complete'; readonly row: Ref }
  /** Not newer than the stored row: the store's version guard drops it anyway. */
  | { readonly kind: 'stale' }
  /** Nothing holds the value: the event cannot be applied as it is. */
  | { readonly kind: 'refused'; readonly missing: UnavailableText; readonly reason: string };

const STALE = { kind: 'stale' } as const;
const available = (value: SourceText): value is string => typeof value === 'string';
/** The event's own value, else the lender's; a text unavailable in both keeps the event's own marker. */
const keep = (value: SourceText, lent: SourceText): SourceText => (available(value) || !available(lent) ? value : lent);

type Chained = Versioned & UnavailableSince;
const since = (row: Chained): bigint => row.unavailableSince ?? row.ver;
const mayLend = (lender: Chained, candidate: Chained) => since(candidate) === lender.ver || since(candidate) === lender.ver + 1n;

/** The lent candidate: complete (no chain), or still waiting for a value the lender did not have either. */
function chained<C extends UnavailableSince>(lent: C, lender: Chained, isComplete: boolean): C {
  const { unavailableSince: _, ...rest } = lent;
  return (isComplete ? rest : { ...rest, unavailableSince: since(lender) }) as C;
}

function firstMissing(values: readonly SourceText[]): UnavailableText {
  const missing = values.find((v): v is UnavailableText => !available(v));
  if (missing === undefined) throw new Error('firstMissing: every value is available');
  return missing;
}

function refusal(missing: UnavailableText, stored: unknown, why: string): Completion<never> {
  return { kind: 'refused', missing, reason: stored === undefined ? 'no stored row holds it' : why };
}

const versionGap = (column: string, stored: Versioned | undefined, candidate: Chained) =>
  `the stored row has ${column} ${stored?.ver}, the value is unchanged since ${since(candidate)}: a change in between is missing`;

export const userText: TextRule<UserCandidate, UserRef> = {
  isComplete: (c): c is UserRef => available(c.nickname) && available(c.avatar),
  lend(c, lender) {
    if (lender === undefined || userText.isComplete(c) || !mayLend(lender, c)) return c;
    const lent = { ...c, nickname: keep(c.nickname, lender.nickname), avatar: keep(c.avatar, lender.avatar) };
    return chained(lent, lender, userText.isComplete(lent));
  },
  complete(c, stored) {
    if (!isNewer(c, stored)) return STALE;
    const lent = userText.lend(c, stored);
    if (userText.isComplete(lent)) return { kind: 'complete', row: lent };
    return refusal(firstMissing([lent.nickname, lent.avatar]), stored, versionGap('profile_ver', stored, c));
  },
};

export const channelText: TextRule<ChannelCandidate, ChannelRef> = {
  isComplete: (c): c is ChannelRef => available(c.channelName) && available(c.channelAvatar),
  lend(c, lender) {
    if (lender === undefined || channelText.isComplete(c) || !mayLend(lender, c)) return c;
    const lent = { ...c, channelName: keep(c.channelName, lender.channelName), channelAvatar: keep(c.channelAvatar, lender.channelAvatar) };
    return chained(lent, lender, channelText.isComplete(lent));
  },
  complete(c, stored) {
    if (!isNewer(c, stored)) return STALE;
    const lent = channelText.lend(c, stored);
    if (channelText.isComplete(lent)) return { kind: 'complete', row: lent };
    return refusal(firstMissing([lent.channelName, lent.channelAvatar]), stored, versionGap('channel_info_ver', stored, c));
  },
};

export const friendshipText: TextRule<FriendshipCandidate, FriendshipRef> = {
  isComplete: (c): c is FriendshipRef => available(c.remarkName),
  lend(c, lender) {
    if (lender === undefined || friendshipText.isComplete(c) || !lender.existsNow || !mayLend(lender, c)) return c;
    const lent = { ...c, remarkName: keep(c.remarkName, lender.remarkName) };
    return chained(lent, lender, friendshipText.isComplete(lent));
  },
  complete(c, stored) {
    if (!friendshipIsNewer(c, stored)) return STALE;
    const lent = friendshipText.lend(c, stored);
    if (friendshipText.isComplete(lent)) return { kind: 'complete', row: lent };
    const why = stored?.existsNow === false ? 'the stored friendship is deleted' : versionGap('friend_ver', stored, c);
    return refusal(firstMissing([lent.remarkName]), stored, why);
  },
};

export const lastMessageText: TextRule<LastMessageCandidate, LastMessageRef> = {
  isComplete: (c): c is LastMessageRef => available(c.content),
  lend: (c, lender) => (lender === undefined || lender.id !== c.id ? c : { ...c, content: keep(c.content, lender.content) }),
  complete(c, stored) {
    if (!lastMessageIsNewer(c, stored)) return STALE;
    const lent = lastMessageText.lend(c, stored);
    if (lastMessageText.isComplete(lent)) return { kind: 'complete', row: lent };
    return refusal(firstMissing([lent.content]), stored, `the channel's stored last message is another one (seq ${stored?.seq})`);
  },
};
