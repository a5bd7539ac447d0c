import type { SeededRandom } from './seededRandom';

/**
 * The workload's own picture of the world, built only from the API's answers. It is optimistic:
 * commands in flight can still collide, so some refusals are expected, as in real traffic.
 */

export interface ActingUser {
  readonly id: string;
  readonly token: string;
}

export interface PlannedCommand {
  readonly command: string;
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly actor?: ActingUser;
  readonly body?: unknown;
  /** Applies an answer (status and parsed body) to the world. */
  readonly onReply?: (status: number, body: any) => void;
}

/** Users are numbered by creation order; low numbers are the most active (see activeUser). */
export interface Channel {
  readonly id: string;
  readonly kind: 'direct' | 'group';
  readonly owner: number | undefined;
  readonly admins: Set<number>;
  readonly members: Set<number>;
  dissolved: boolean;
  lastSeq: number;
  /** Recent messages, for recalls. */
  readonly recent: { messageId: string; sender: number }[];
}

export type Planner = (world: WorkloadWorld, random: SeededRandom) => PlannedCommand | undefined;

export const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function createWorkloadWorld(random: SeededRandom) {
  const users: ActingUser[] = [];
  const friends = new Map<number, Set<number>>();
  let friendshipCount = 0;
  const pendingApplications: { id: string; from: number; to: number }[] = [];
  const channels: Channel[] = [];
  const directs = new Map<string, Channel>();
  /** Commands queued by a burst, sent before anything else. */
  const queued: (() => PlannedCommand | undefined)[] = [];

  const friendsOf = (u: number): ReadonlySet<number> => friends.get(u) ?? new Set<number>();
  const areFriends = (a: number, b: number) => friendsOf(a).has(b);
  /** Where messages can go: a group not dissolved, or a direct channel whose two are still friends. */
  const isLive = (c: Channel) => {
    if (c.dissolved) return false;
    if (c.kind === 'group') return true;
    const [a, b] = [...c.members];
    return a !== undefined && b !== undefined && areFriends(a, b);
  };

  return {
    users,
    pendingApplications,
    channels,
    directs,
    queued,
    friendsOf,
    areFriends,
    isLive,
    friendshipCount: () => friendshipCount,
    as: (u: number): ActingUser => users[u]!,
    /** A user drawn with a Zipf-like skew: a few people do most of the talking. */
    activeUser: () => random.skewedIndex(users.length, 0.9),
    anyUser: () => random.int(0, users.length - 1),
    setFriends(a: number, b: number, on: boolean) {
      if (areFriends(a, b) !== on) friendshipCount += on ? 1 : -1;
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        if (!friends.has(x)) friends.set(x, new Set());
        if (on) friends.get(x)!.add(y);
        else friends.get(x)!.delete(y);
      }
    },
    addChannel(channel: Omit<Channel, 'admins' | 'dissolved' | 'lastSeq' | 'recent'>): Channel {
      const added: Channel = { ...channel, admins: new Set(), dissolved: false, lastSeq: 0, recent: [] };
      channels.push(added);
      return added;
    },
    /** A live channel, hot ones first: a few conversations carry most messages. */
    liveChannel(kind?: Channel['kind']): Channel | undefined {
      for (let attempt = 0; attempt < 8; attempt++) {
        const c = channels[random.skewedIndex(channels.length, 0.8)];
        if (c !== undefined && isLive(c) && (kind === undefined || c.kind === kind) && c.members.size > 0) return c;
      }
      return undefined;
    },
    memberOf: (c: Channel) => random.pick([...c.members]),
    nonMemberOf(c: Channel): number | undefined {
      for (let attempt = 0; attempt < 8; attempt++) {
        const u = random.int(0, users.length - 1);
        if (!c.members.has(u)) return u;
      }
      return undefined;
    },
  };
}

export type WorkloadWorld = ReturnType<typeof createWorkloadWorld>;
