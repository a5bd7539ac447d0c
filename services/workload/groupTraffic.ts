import type { Planner } from './workloadWorld';

/** Group life: creation with skewed sizes, renames, roles, joins, additions, removals, leaving, dissolving. */

const GROUP_NAMES = ['Family', 'Book club', 'Climbing', 'Team standup', 'Neighbours', 'Band', 'Trip 2025', 'Gamers', 'Alumni'];
const MAX_GROUP_SIZE = 300;

export const createGroup: Planner = (world, random) => {
  const owner = world.activeUser();
  // Pareto sizes: most groups have a handful of members, a few have dozens or hundreds.
  const size = Math.min(world.users.length - 1, MAX_GROUP_SIZE, random.pareto(2, 1.3));
  const members = new Set<number>([...world.friendsOf(owner)].slice(0, size));
  while (members.size < size) members.add(world.anyUser());
  members.delete(owner);
  return {
    command: 'createGroup',
    method: 'POST',
    path: '/groups',
    actor: world.as(owner),
    body: { name: random.pick(GROUP_NAMES), memberIds: [...members].map((m) => world.as(m).id) },
    onReply: (status, body) => {
      if (status === 201) world.addChannel({ id: body.channelId, kind: 'group', owner, members: new Set([owner, ...members]) });
    },
  };
};

export const changeGroupInfo: Planner = (world, random) => {
  const c = world.liveChannel('group');
  const actor = c && random.pick([c.owner!, ...c.admins]);
  if (c === undefined || actor === undefined) return undefined;
  const avatar = random.chance(0.3);
  return {
    command: avatar ? 'changeGroupAvatar' : 'renameGroup',
    method: 'PATCH',
    path: `/groups/${c.id}`,
    actor: world.as(actor),
    body: avatar
      ? { avatar: `https://img.example/${random.int(1, 1e6)}.png` }
      : { name: `${random.pick(GROUP_NAMES)} ${random.int(1, 99)}` },
  };
};

export const setRole: Planner = (world, random) => {
  const c = world.liveChannel('group');
  const target = c && random.pick([...c.members].filter((m) => m !== c.owner));
  if (c === undefined || target === undefined) return undefined;
  const promote = !c.admins.has(target);
  return {
    command: 'setRole',
    method: 'PUT',
    path: `/groups/${c.id}/members/${world.as(target).id}/role`,
    actor: world.as(c.owner!),
    body: { role: promote ? 'admin' : 'member' },
    onReply: (status) => {
      if (status !== 200) return;
      if (promote) c.admins.add(target);
      else c.admins.delete(target);
    },
  };
};

export const joinGroup: Planner = (world) => {
  const c = world.liveChannel('group');
  const joiner = c && world.nonMemberOf(c);
  if (c === undefined || joiner === undefined) return undefined;
  return {
    command: 'joinGroup',
    method: 'POST',
    path: `/groups/${c.id}/join`,
    actor: world.as(joiner),
    onReply: (status) => {
      if (status === 200) c.members.add(joiner);
    },
  };
};

/** A member brings in a friend, or anyone. */
export const addMember: Planner = (world, random) => {
  const c = world.liveChannel('group');
  const actor = c && world.memberOf(c);
  if (c === undefined || actor === undefined) return undefined;
  const newcomer = random.pick([...world.friendsOf(actor)].filter((f) => !c.members.has(f))) ?? world.nonMemberOf(c);
  if (newcomer === undefined) return undefined;
  return {
    command: 'addMember',
    method: 'POST',
    path: `/groups/${c.id}/members`,
    actor: world.as(actor),
    body: { userId: world.as(newcomer).id },
    onReply: (status) => {
      if (status === 201) c.members.add(newcomer);
    },
  };
};

export const removeMember: Planner = (world, random) => {
  const c = world.liveChannel('group');
  if (c === undefined || c.members.size < 3) return undefined;
  const actor = random.pick([c.owner!, ...c.admins]);
  const removable = [...c.members].filter((m) => m !== c.owner && m !== actor && (actor === c.owner || !c.admins.has(m)));
  const target = random.pick(removable);
  if (actor === undefined || target === undefined) return undefined;
  return {
    command: 'removeMember',
    method: 'DELETE',
    path: `/groups/${c.id}/members/${world.as(target).id}`,
    actor: world.as(actor),
    onReply: (status) => {
      if (status !== 204) return;
      c.members.delete(target);
      c.admins.delete(target);
    },
  };
};

export const leaveGroup: Planner = (world, random) => {
  const c = world.liveChannel('group');
  const leaver = c && random.pick([...c.members].filter((m) => m !== c.owner));
  if (c === undefined || leaver === undefined) return undefined;
  return {
    command: 'leaveGroup',
    method: 'POST',
    path: `/groups/${c.id}/leave`,
    actor: world.as(leaver),
    onReply: (status) => {
      if (status !== 204) return;
      c.members.delete(leaver);
      c.admins.delete(leaver);
    },
  };
};

/** Uniform rather than skewed: the busiest groups are the least likely to be dissolved. */
export const dissolveGroup: Planner = (world, random) => {
  const c = random.pick(world.channels.filter((x) => x.kind === 'group' && !x.dissolved));
  if (c === undefined) return undefined;
  return {
    command: 'dissolveGroup',
    method: 'POST',
    path: `/groups/${c.id}/dissolve`,
    actor: world.as(c.owner!),
    onReply: (status) => {
      if (status === 200) c.dissolved = true;
    },
  };
};
