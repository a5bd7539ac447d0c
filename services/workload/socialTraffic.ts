import { pairKey, type Planner } from './workloadWorld';

/** Friendship and profile traffic: applications and decisions, remarks, unfriends, direct channels. */

const NAMES = ['Ann', 'Bob', 'Cid', 'Dee', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kim', 'Lu', 'Max', 'Ned', 'Oz', 'Pia'];

export const nicknameFor = (n: number, pick: (names: readonly string[]) => string | undefined) => `${pick(NAMES)}${n}`;

export const applyFriend: Planner = (world, random) => {
  const from = world.activeUser();
  const to = random.chance(0.5) ? world.activeUser() : world.anyUser();
  const pair = pairKey(from, to);
  if (from === to || world.areFriends(from, to) || world.pendingApplications.some((p) => pairKey(p.from, p.to) === pair)) return undefined;
  return {
    command: 'applyFriend',
    method: 'POST',
    path: '/friend-applications',
    actor: world.as(from),
    body: { targetUserId: world.as(to).id, message: 'hi, let us be friends' },
    onReply: (status, body) => {
      if (status === 201) world.pendingApplications.push({ id: body.applicationId, from, to });
    },
  };
};

/** Most applications are accepted; the target decides. */
export const decideFriend: Planner = (world, random) => {
  const { pendingApplications } = world;
  if (pendingApplications.length === 0) return undefined;
  const [application] = pendingApplications.splice(random.int(0, pendingApplications.length - 1), 1);
  const { id, from, to } = application!;
  const accept = random.chance(0.85);
  return {
    command: accept ? 'acceptFriend' : 'rejectFriend',
    method: 'POST',
    path: `/friend-applications/${id}/${accept ? 'accept' : 'reject'}`,
    actor: world.as(to),
    onReply: (status) => {
      if (accept && status === 200) world.setFriends(from, to, true);
    },
  };
};

export const openDirect: Planner = (world, random) => {
  const u = world.activeUser();
  const peer = random.pick([...world.friendsOf(u)].filter((f) => !world.directs.has(pairKey(u, f))));
  if (peer === undefined) return undefined;
  return {
    command: 'openDirect',
    method: 'POST',
    path: '/direct-channels',
    actor: world.as(u),
    body: { peerUserId: world.as(peer).id },
    onReply: (status, body) => {
      if ((status === 200 || status === 201) && !world.directs.has(pairKey(u, peer))) {
        world.directs.set(
          pairKey(u, peer),
          world.addChannel({ id: body.channelId, kind: 'direct', owner: undefined, members: new Set([u, peer]) }),
        );
      }
    },
  };
};

export const setRemark: Planner = (world, random) => {
  const u = world.activeUser();
  const friend = random.pick([...world.friendsOf(u)]);
  if (friend === undefined) return undefined;
  const remarkName = random.chance(0.2) ? '' : `${random.pick(NAMES)} (${random.pick(['work', 'school', 'gym', 'family'])})`;
  return { command: 'setRemark', method: 'PUT', path: `/friends/${world.as(friend).id}/remark`, actor: world.as(u), body: { remarkName } };
};

export const unfriend: Planner = (world, random) => {
  const u = world.anyUser();
  const friend = random.pick([...world.friendsOf(u)]);
  if (friend === undefined) return undefined;
  return {
    command: 'unfriend',
    method: 'DELETE',
    path: `/friends/${world.as(friend).id}`,
    actor: world.as(u),
    onReply: (status) => {
      if (status === 204) world.setFriends(u, friend, false);
    },
  };
};

export const changeProfile: Planner = (world, random) => {
  const u = world.activeUser();
  const body = random.chance(0.6)
    ? { nickname: nicknameFor(random.int(1, 999), random.pick) }
    : { avatar: `https://img.example/u/${random.int(1, 1e6)}.jpg` };
  return { command: 'changeProfile', method: 'PATCH', path: `/users/${world.as(u).id}`, actor: world.as(u), body };
};
