import { createWriteApiHarness, type ApiReply, type TestUser, type WriteApiHarness } from './writeApiHarness';

/**
 * Every refusal: the status, the machine-readable reason, and proof that nothing changed (a
 * snapshot of every row touching the fixture's users and channels, before and after).
 */

let api: WriteApiHarness;

interface World {
  owner: TestUser;
  admin: TestUser;
  member: TestUser;
  leaver: TestUser;
  outsider: TestUser;
  friend: TestUser;
  exFriend: TestUser;
  ghost: TestUser;
  group: string;
  dissolved: string;
  direct: string;
  exDirect: string;
  ownerMessage: string;
  memberMessage: string;
  recalledMessage: string;
  pendingApplication: string;
  handledApplication: string;
}
const w = {} as World;
const UNKNOWN_ID = '9223372036854775807';

beforeAll(async () => {
  api = await createWriteApiHarness();
  const names = ['owner', 'admin', 'member', 'leaver', 'outsider', 'friend', 'exFriend'] as const;
  for (const name of names) w[name] = await api.createUser(name);
  // A valid token whose subject does not exist.
  const ghostId = String(2n ** 62n + BigInt(Math.floor(Math.random() * 1e9)));
  w.ghost = { id: ghostId, nickname: 'ghost', token: api.app.jwt.sign({ sub: ghostId }) };

  const { owner, admin, member, leaver, outsider, friend, exFriend } = w;
  w.group = (await api.as(owner).post('/groups', { name: 'g', memberIds: [admin.id, member.id, leaver.id] })).body.channelId;
  await api.as(owner).put(`/groups/${w.group}/members/${admin.id}/role`, { role: 'admin' });
  await api.as(leaver).post(`/groups/${w.group}/leave`);
  w.dissolved = (await api.as(owner).post('/groups', { name: 'd', memberIds: [member.id] })).body.channelId;
  await api.as(owner).post(`/groups/${w.dissolved}/dissolve`);

  await api.befriend(owner, friend);
  w.direct = (await api.as(owner).post('/direct-channels', { peerUserId: friend.id })).body.channelId;
  await api.befriend(owner, exFriend);
  w.exDirect = (await api.as(owner).post('/direct-channels', { peerUserId: exFriend.id })).body.channelId;
  await api.as(exFriend).delete(`/friends/${owner.id}`);

  w.ownerMessage = (await api.as(owner).post(`/channels/${w.group}/messages`, { content: 'from owner' })).body.messageId;
  w.memberMessage = (await api.as(member).post(`/channels/${w.group}/messages`, { content: 'from member' })).body.messageId;
  w.recalledMessage = (await api.as(owner).post(`/channels/${w.group}/messages`, { content: 'recalled' })).body.messageId;
  await api.as(owner).post(`/channels/${w.group}/messages/${w.recalledMessage}/recall`);

  w.pendingApplication = (await api.as(outsider).post('/friend-applications', { targetUserId: member.id })).body.applicationId;
  w.handledApplication = (await api.as(admin).post('/friend-applications', { targetUserId: outsider.id })).body.applicationId;
  await api.as(outsider).post(`/friend-applications/${w.handledApplication}/reject`);
});
afterAll(() => api.close());

const snapshot = () =>
  api.snapshot(
    [w.owner, w.admin, w.member, w.leaver, w.outsider, w.friend, w.exFriend, w.ghost].map((u) => u.id),
    [w.group, w.dissolved, w.direct, w.exDirect],
  );

type Case = [name: string, status: number, error: string, act: () => Promise<ApiReply>];
const as = (user: () => TestUser) => ({
  post: (url: () => string, body?: () => unknown) => () => api.as(user()).post(url(), body?.()),
  put: (url: () => string, body?: () => unknown) => () => api.as(user()).put(url(), body?.()),
  patch: (url: () => string, body?: () => unknown) => () => api.as(user()).patch(url(), body?.()),
  delete: (url: () => string) => () => api.as(user()).delete(url()),
});
const owner = as(() => w.owner);
const admin = as(() => w.admin);
const member = as(() => w.member);
const leaver = as(() => w.leaver);
const outsider = as(() => w.outsider);
const ghost = as(() => w.ghost);

const cases: Case[] = [
  // users
  [
    'change another user’s profile',
    403,
    'not_your_account',
    member.patch(
      () => `/users/${w.owner.id}`,
      () => ({ nickname: 'x' }),
    ),
  ],
  [
    'change the profile of a token subject that does not exist',
    404,
    'user_not_found',
    ghost.patch(
      () => `/users/${w.ghost.id}`,
      () => ({ nickname: 'x' }),
    ),
  ],
  ['create a user with a blank nickname', 400, 'invalid_request', () => api.request('POST', '/users', { body: { nickname: '   ' } })],
  [
    'create a user with an unknown field',
    400,
    'invalid_request',
    () => api.request('POST', '/users', { body: { nickname: 'a', id: '5' } }),
  ],
  // friend applications
  [
    'befriend yourself',
    400,
    'cannot_target_self',
    owner.post(
      () => '/friend-applications',
      () => ({ targetUserId: w.owner.id }),
    ),
  ],
  [
    'befriend an unknown user',
    404,
    'user_not_found',
    owner.post(
      () => '/friend-applications',
      () => ({ targetUserId: UNKNOWN_ID }),
    ),
  ],
  [
    'apply as a subject that does not exist',
    404,
    'user_not_found',
    ghost.post(
      () => '/friend-applications',
      () => ({ targetUserId: w.owner.id }),
    ),
  ],
  [
    'befriend a friend',
    409,
    'already_friends',
    owner.post(
      () => '/friend-applications',
      () => ({ targetUserId: w.friend.id }),
    ),
  ],
  [
    'apply twice',
    409,
    'application_pending',
    outsider.post(
      () => '/friend-applications',
      () => ({ targetUserId: w.member.id }),
    ),
  ],
  [
    'apply back while one is pending',
    409,
    'application_pending',
    member.post(
      () => '/friend-applications',
      () => ({ targetUserId: w.outsider.id }),
    ),
  ],
  ['accept an unknown application', 404, 'application_not_found', member.post(() => `/friend-applications/${UNKNOWN_ID}/accept`)],
  [
    'accept an application addressed to someone else',
    403,
    'not_application_target',
    owner.post(() => `/friend-applications/${w.pendingApplication}/accept`),
  ],
  [
    'accept your own application',
    403,
    'not_application_target',
    outsider.post(() => `/friend-applications/${w.pendingApplication}/accept`),
  ],
  ['accept a handled application', 409, 'application_handled', outsider.post(() => `/friend-applications/${w.handledApplication}/accept`)],
  ['reject a handled application', 409, 'application_handled', outsider.post(() => `/friend-applications/${w.handledApplication}/reject`)],
  [
    'apply with a message of 257 characters',
    400,
    'invalid_request',
    owner.post(
      () => '/friend-applications',
      () => ({ targetUserId: w.outsider.id, message: 'x'.repeat(257) }),
    ),
  ],
  // friendships
  [
    'set a remark for a non-friend',
    404,
    'friendship_not_found',
    owner.put(
      () => `/friends/${w.outsider.id}/remark`,
      () => ({ remarkName: 'x' }),
    ),
  ],
  [
    'set a remark with a line break',
    400,
    'invalid_request',
    owner.put(
      () => `/friends/${w.friend.id}/remark`,
      () => ({ remarkName: 'a\nb' }),
    ),
  ],
  ['unfriend a non-friend', 404, 'friendship_not_found', owner.delete(() => `/friends/${w.outsider.id}`)],
  ['unfriend an ex-friend again', 404, 'friendship_not_found', owner.delete(() => `/friends/${w.exFriend.id}`)],
  // direct channels
  [
    'open a direct channel with yourself',
    400,
    'cannot_target_self',
    owner.post(
      () => '/direct-channels',
      () => ({ peerUserId: w.owner.id }),
    ),
  ],
  [
    'open a direct channel with a non-friend',
    403,
    'not_friends',
    owner.post(
      () => '/direct-channels',
      () => ({ peerUserId: w.outsider.id }),
    ),
  ],
  [
    'open a direct channel with an unknown user',
    404,
    'user_not_found',
    owner.post(
      () => '/direct-channels',
      () => ({ peerUserId: UNKNOWN_ID }),
    ),
  ],
  // groups
  [
    'create a group with an unknown member',
    404,
    'user_not_found',
    owner.post(
      () => '/groups',
      () => ({ name: 'x', memberIds: [w.member.id, UNKNOWN_ID] }),
    ),
  ],
  [
    'create a group as a subject that does not exist',
    404,
    'user_not_found',
    ghost.post(
      () => '/groups',
      () => ({ name: 'x' }),
    ),
  ],
  [
    'create a group with duplicate member ids',
    400,
    'invalid_request',
    owner.post(
      () => '/groups',
      () => ({ name: 'x', memberIds: [w.member.id, w.member.id] }),
    ),
  ],
  [
    'rename a group as a plain member',
    403,
    'not_group_admin',
    member.patch(
      () => `/groups/${w.group}`,
      () => ({ name: 'x' }),
    ),
  ],
  [
    'rename a group as an outsider',
    403,
    'not_a_member',
    outsider.patch(
      () => `/groups/${w.group}`,
      () => ({ name: 'x' }),
    ),
  ],
  [
    'rename a group after leaving it',
    403,
    'not_a_member',
    leaver.patch(
      () => `/groups/${w.group}`,
      () => ({ name: 'x' }),
    ),
  ],
  [
    'rename an unknown channel',
    404,
    'channel_not_found',
    owner.patch(
      () => `/groups/${UNKNOWN_ID}`,
      () => ({ name: 'x' }),
    ),
  ],
  [
    'rename a direct channel',
    409,
    'not_a_group',
    owner.patch(
      () => `/groups/${w.direct}`,
      () => ({ name: 'x' }),
    ),
  ],
  [
    'rename a dissolved group',
    409,
    'channel_dissolved',
    owner.patch(
      () => `/groups/${w.dissolved}`,
      () => ({ name: 'x' }),
    ),
  ],
  [
    'rename with an empty body',
    400,
    'invalid_request',
    owner.patch(
      () => `/groups/${w.group}`,
      () => ({}),
    ),
  ],
  ['join a direct channel', 409, 'not_a_group', outsider.post(() => `/groups/${w.direct}/join`)],
  ['join a group you are in', 409, 'already_member', member.post(() => `/groups/${w.group}/join`)],
  ['join a dissolved group', 409, 'channel_dissolved', outsider.post(() => `/groups/${w.dissolved}/join`)],
  ['join an unknown group', 404, 'channel_not_found', outsider.post(() => `/groups/${UNKNOWN_ID}/join`)],
  ['join as a subject that does not exist', 404, 'user_not_found', ghost.post(() => `/groups/${w.group}/join`)],
  [
    'add a member as an outsider',
    403,
    'not_a_member',
    outsider.post(
      () => `/groups/${w.group}/members`,
      () => ({ userId: w.friend.id }),
    ),
  ],
  [
    'add someone already in',
    409,
    'already_member',
    member.post(
      () => `/groups/${w.group}/members`,
      () => ({ userId: w.admin.id }),
    ),
  ],
  [
    'add an unknown user',
    404,
    'user_not_found',
    member.post(
      () => `/groups/${w.group}/members`,
      () => ({ userId: UNKNOWN_ID }),
    ),
  ],
  [
    'add yourself',
    400,
    'cannot_target_self',
    member.post(
      () => `/groups/${w.group}/members`,
      () => ({ userId: w.member.id }),
    ),
  ],
  [
    'add to a dissolved group',
    409,
    'channel_dissolved',
    owner.post(
      () => `/groups/${w.dissolved}/members`,
      () => ({ userId: w.friend.id }),
    ),
  ],
  ['remove a member as a plain member', 403, 'not_group_admin', member.delete(() => `/groups/${w.group}/members/${w.admin.id}`)],
  ['remove the owner', 403, 'cannot_remove_owner', admin.delete(() => `/groups/${w.group}/members/${w.owner.id}`)],
  ['remove yourself', 400, 'cannot_remove_self', admin.delete(() => `/groups/${w.group}/members/${w.admin.id}`)],
  ['remove someone who left', 404, 'member_not_found', owner.delete(() => `/groups/${w.group}/members/${w.leaver.id}`)],
  ['remove from a direct channel', 409, 'not_a_group', owner.delete(() => `/groups/${w.direct}/members/${w.friend.id}`)],
  ['leave as the owner', 409, 'owner_cannot_leave', owner.post(() => `/groups/${w.group}/leave`)],
  ['leave twice', 403, 'not_a_member', leaver.post(() => `/groups/${w.group}/leave`)],
  ['leave a direct channel', 409, 'not_a_group', owner.post(() => `/groups/${w.direct}/leave`)],
  ['leave a dissolved group', 409, 'channel_dissolved', member.post(() => `/groups/${w.dissolved}/leave`)],
  ['dissolve as an admin', 403, 'not_group_owner', admin.post(() => `/groups/${w.group}/dissolve`)],
  ['dissolve as an outsider', 403, 'not_a_member', outsider.post(() => `/groups/${w.group}/dissolve`)],
  ['dissolve twice', 409, 'channel_dissolved', owner.post(() => `/groups/${w.dissolved}/dissolve`)],
  ['dissolve a direct channel', 409, 'not_a_group', owner.post(() => `/groups/${w.direct}/dissolve`)],
  ['dissolve an unknown group', 404, 'channel_not_found', owner.post(() => `/groups/${UNKNOWN_ID}/dissolve`)],
  [
    'change a role as an admin',
    403,
    'not_group_owner',
    admin.put(
      () => `/groups/${w.group}/members/${w.member.id}/role`,
      () => ({ role: 'admin' }),
    ),
  ],
  [
    'change the role of a non-member',
    404,
    'member_not_found',
    owner.put(
      () => `/groups/${w.group}/members/${w.outsider.id}/role`,
      () => ({ role: 'admin' }),
    ),
  ],
  [
    'change your own role as owner',
    400,
    'cannot_target_self',
    owner.put(
      () => `/groups/${w.group}/members/${w.owner.id}/role`,
      () => ({ role: 'member' }),
    ),
  ],
  [
    'make someone owner',
    400,
    'invalid_request',
    owner.put(
      () => `/groups/${w.group}/members/${w.member.id}/role`,
      () => ({ role: 'owner' }),
    ),
  ],
  // messages
  [
    'send as an outsider',
    403,
    'not_a_member',
    outsider.post(
      () => `/channels/${w.group}/messages`,
      () => ({ content: 'x' }),
    ),
  ],
  [
    'send after leaving',
    403,
    'not_a_member',
    leaver.post(
      () => `/channels/${w.group}/messages`,
      () => ({ content: 'x' }),
    ),
  ],
  [
    'send to a dissolved group',
    409,
    'channel_dissolved',
    member.post(
      () => `/channels/${w.dissolved}/messages`,
      () => ({ content: 'x' }),
    ),
  ],
  [
    'send to an unknown channel',
    404,
    'channel_not_found',
    owner.post(
      () => `/channels/${UNKNOWN_ID}/messages`,
      () => ({ content: 'x' }),
    ),
  ],
  [
    'send to an ex-friend',
    403,
    'not_friends',
    owner.post(
      () => `/channels/${w.exDirect}/messages`,
      () => ({ content: 'x' }),
    ),
  ],
  [
    'send an empty message',
    400,
    'invalid_request',
    owner.post(
      () => `/channels/${w.group}/messages`,
      () => ({ content: '' }),
    ),
  ],
  [
    'send a message with a NUL character',
    400,
    'invalid_request',
    owner.post(
      () => `/channels/${w.group}/messages`,
      () => ({ content: 'a\u0000b' }),
    ),
  ],
  [
    'send a message of 4001 characters',
    400,
    'invalid_request',
    owner.post(
      () => `/channels/${w.group}/messages`,
      () => ({ content: 'x'.repeat(4001) }),
    ),
  ],
  [
    'send with msgType 0',
    400,
    'invalid_request',
    owner.post(
      () => `/channels/${w.group}/messages`,
      () => ({ content: 'x', msgType: 0 }),
    ),
  ],
  [
    'send with msgType beyond smallint',
    400,
    'invalid_request',
    owner.post(
      () => `/channels/${w.group}/messages`,
      () => ({ content: 'x', msgType: 40000 }),
    ),
  ],
  ['recall someone else’s message', 403, 'not_message_sender', owner.post(() => `/channels/${w.group}/messages/${w.memberMessage}/recall`)],
  ['recall twice', 409, 'already_recalled', owner.post(() => `/channels/${w.group}/messages/${w.recalledMessage}/recall`)],
  ['recall an unknown message', 404, 'message_not_found', owner.post(() => `/channels/${w.group}/messages/${UNKNOWN_ID}/recall`)],
  [
    'recall a message through another channel',
    404,
    'message_not_found',
    owner.post(() => `/channels/${w.direct}/messages/${w.ownerMessage}/recall`),
  ],
  ['recall as an outsider', 403, 'not_a_member', outsider.post(() => `/channels/${w.group}/messages/${w.ownerMessage}/recall`)],
  // reading and settings
  [
    'read past the last message',
    409,
    'seq_beyond_last_message',
    member.put(
      () => `/channels/${w.group}/read`,
      () => ({ seq: '4' }),
    ),
  ],
  [
    'read as an outsider',
    403,
    'not_a_member',
    outsider.put(
      () => `/channels/${w.group}/read`,
      () => ({ seq: '1' }),
    ),
  ],
  [
    'read an unknown channel',
    404,
    'channel_not_found',
    outsider.put(
      () => `/channels/${UNKNOWN_ID}/read`,
      () => ({ seq: '1' }),
    ),
  ],
  [
    'read with a negative seq',
    400,
    'invalid_request',
    member.put(
      () => `/channels/${w.group}/read`,
      () => ({ seq: '-1' }),
    ),
  ],
  [
    'read with seq as a JSON number',
    400,
    'invalid_request',
    member.put(
      () => `/channels/${w.group}/read`,
      () => ({ seq: 1 }),
    ),
  ],
  [
    'pin a channel you are not in',
    403,
    'not_a_member',
    outsider.patch(
      () => `/channels/${w.group}/settings`,
      () => ({ pinned: true }),
    ),
  ],
  [
    'pin an unknown channel',
    404,
    'channel_not_found',
    outsider.patch(
      () => `/channels/${UNKNOWN_ID}/settings`,
      () => ({ pinned: true }),
    ),
  ],
  [
    'pin with a string instead of a boolean',
    400,
    'invalid_request',
    member.patch(
      () => `/channels/${w.group}/settings`,
      () => ({ pinned: 'true' }),
    ),
  ],
];

describe('refused commands change nothing', () => {
  it.each(cases)('%s → %i %s', async (_name, status, error, act) => {
    const before = await snapshot();
    const reply = await act();
    expect({ status: reply.status, error: reply.body?.error }).toEqual({ status, error });
    expect(typeof reply.body.message).toBe('string');
    expect(await snapshot()).toEqual(before);
  });

  it('the fixture is what the cases assume (so each refusal is for the stated reason)', async () => {
    const rows = await api.query<{ user_id: string; role: number; left: boolean }>(
      'select user_id::text, role, left_at is not null as left from channel_members where channel_id = $1',
      [w.group],
    );
    const byUser = Object.fromEntries(rows.map((r) => [r.user_id, [r.role, r.left]]));
    expect(byUser).toEqual({ [w.owner.id]: [2, false], [w.admin.id]: [1, false], [w.member.id]: [0, false], [w.leaver.id]: [0, true] });
    const [last] = await api.query<{ max: string }>('select max(seq)::text as max from messages where channel_id = $1', [w.group]);
    expect(last!.max).toBe('3');
    // The snapshot really covers the fixture: an empty one would make every comparison pass.
    const counts = Object.fromEntries(Object.entries(await snapshot()).map(([table, tableRows]) => [table, tableRows.length]));
    expect(counts).toEqual({ users: 7, channels: 4, channelMembers: 10, messages: 3, readRecords: 10, friendships: 2, applications: 4 });
  });
});
