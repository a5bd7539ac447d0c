import * as groups from './groupTraffic';
import * as conversation from './messageTraffic';
import type { SeededRandom } from './seededRandom';
import * as social from './socialTraffic';
import { createWorkloadWorld, type PlannedCommand, type Planner } from './workloadWorld';

export type { PlannedCommand } from './workloadWorld';

const PLANNERS = {
  sendMessage: conversation.sendMessage,
  burst: conversation.burst,
  markRead: conversation.markRead,
  recallMessage: conversation.recallMessage,
  changeSettings: conversation.changeSettings,
  applyFriend: social.applyFriend,
  decideFriend: social.decideFriend,
  openDirect: social.openDirect,
  setRemark: social.setRemark,
  unfriend: social.unfriend,
  changeProfile: social.changeProfile,
  createGroup: groups.createGroup,
  changeGroupInfo: groups.changeGroupInfo,
  setRole: groups.setRole,
  joinGroup: groups.joinGroup,
  addMember: groups.addMember,
  removeMember: groups.removeMember,
  leaveGroup: groups.leaveGroup,
  dissolveGroup: groups.dissolveGroup,
} satisfies Record<string, Planner>;

/**
 * The traffic mix: `userCount` sign-ups first, then commands drawn by weight, each planned
 * against what the world looks like from the answers so far.
 */
export function createTrafficModel({ random, userCount }: { random: SeededRandom; userCount: number }) {
  const world = createWorkloadWorld(random);
  let signUps = 0;

  /** Messages dominate, as in any chat system; friendship-building weighs more while the social graph is thin. */
  const weights = (): Record<keyof typeof PLANNERS, number> => {
    const thin = world.friendshipCount() < world.users.length * 2;
    const anyChannel = world.channels.length > 0;
    return {
      sendMessage: anyChannel ? 38 : 0,
      burst: anyChannel ? 2 : 0,
      markRead: 12,
      recallMessage: 1.5,
      changeSettings: 2,
      applyFriend: thin ? 14 : 4,
      decideFriend: world.pendingApplications.length > 0 ? (thin ? 12 : 4) : 0,
      openDirect: 5,
      setRemark: 2,
      unfriend: 0.6,
      changeProfile: 2,
      createGroup: world.channels.length < 5 ? 6 : 1.5,
      changeGroupInfo: 2,
      setRole: 0.5,
      joinGroup: 2,
      addMember: 2,
      removeMember: 0.6,
      leaveGroup: 1,
      dissolveGroup: 0.25,
    };
  };

  return {
    /** The next command to send, or undefined when nothing is possible yet (sign-ups still in flight). */
    next(): PlannedCommand | undefined {
      if (signUps < userCount) {
        signUps += 1;
        return {
          command: 'createUser',
          method: 'POST',
          path: '/users',
          body: { nickname: social.nicknameFor(signUps, random.pick) },
          onReply: (status, body) => {
            if (status === 201) world.users.push({ id: body.user.id, token: body.token });
          },
        };
      }
      for (let queued = world.queued.shift(); queued !== undefined; queued = world.queued.shift()) {
        const planned = queued();
        if (planned) return planned;
      }
      if (world.users.length < 2) return undefined;
      const mix = weights();
      for (let attempt = 0; attempt < 10; attempt++) {
        const kind = random.weighted(mix);
        const planned = kind && PLANNERS[kind](world, random);
        if (planned) return planned;
      }
      return undefined;
    },
    describe() {
      const groupChannels = world.channels.filter((c) => c.kind === 'group');
      return {
        users: world.users.length,
        friendships: world.friendshipCount(),
        directChannels: world.directs.size,
        groups: groupChannels.length,
        dissolvedGroups: groupChannels.filter((c) => c.dissolved).length,
        largestGroup: Math.max(0, ...groupChannels.map((c) => c.members.size)),
        messages: world.channels.reduce((sum, c) => sum + c.lastSeq, 0),
      };
    },
  };
}

export type TrafficModel = ReturnType<typeof createTrafficModel>;
