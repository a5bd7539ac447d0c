import { createWriteApiHarness, type TestUser, type WriteApiHarness } from './writeApiHarness';

let api: WriteApiHarness;
beforeAll(async () => {
  api = await createWriteApiHarness();
});
afterAll(() => api.close());

interface MemberRow {
  user_id: string;
  role: number;
  left_at: Date | null;
  joined_at: Date;
  member_ver: number;
}
const members = (channelId: string) =>
  api.query<MemberRow>(
    'select user_id::text, role, left_at, joined_at, member_ver from channel_members where channel_id = $1 order by channel_members.user_id',
    [channelId],
  );
const member = async (channelId: string, userId: string) => (await members(channelId)).find((m) => m.user_id === userId);
const channelRow = async (id: string) =>
  (
    await api.query<{
      channel_type: number;
      channel_name: string;
      channel_avatar: string;
      owner_user_id: string | null;
      channel_info_ver: number;
      dissolved_at: Date | null;
    }>(
      'select channel_type, channel_name, channel_avatar, owner_user_id::text, channel_info_ver, dissolved_at from channels where id = $1',
      [id],
    )
  )[0];
const readPointer = async (userId: string, channelId: string) =>
  (
    await api.query<{ last_read_seq: string }>(
      'select last_read_seq::text from channel_read_records where user_id = $1 and channel_id = $2',
      [userId, channelId],
    )
  )[0]?.last_read_seq;

async function group(owner: TestUser, others: TestUser[] = [], name = 'team') {
  const reply = await api.as(owner).post('/groups', { name, memberIds: others.map((u) => u.id) });
  expect(reply.status).toBe(201);
  return reply.body.channelId as string;
}
const send = (user: TestUser, channelId: string, content = 'hello') => api.as(user).post(`/channels/${channelId}/messages`, { content });

describe('direct channels', () => {
  it('opening one between friends creates a type-1 channel with exactly the two members, read pointers at 0', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    await api.befriend(ann, bob);
    const reply = await api.as(ann).post('/direct-channels', { peerUserId: bob.id });
    expect(reply.status).toBe(201);
    expect(reply.body.created).toBe(true);
    const channelId = reply.body.channelId;
    expect(await channelRow(channelId)).toMatchObject({ channel_type: 1, owner_user_id: null, channel_info_ver: 1, dissolved_at: null });
    expect((await members(channelId)).map((m) => [m.user_id, m.role, m.left_at])).toEqual(
      [
        [ann.id, 0, null],
        [bob.id, 0, null],
      ].sort((a, b) => (BigInt(a[0] as string) < BigInt(b[0] as string) ? -1 : 1)),
    );
    expect(await readPointer(ann.id, channelId)).toBe('0');
    expect(await readPointer(bob.id, channelId)).toBe('0');
  });

  it('is idempotent: opening again, from either side, returns the same channel (200)', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    await api.befriend(ann, bob);
    const first = await api.as(ann).post('/direct-channels', { peerUserId: bob.id });
    const again = await api.as(ann).post('/direct-channels', { peerUserId: bob.id });
    const fromPeer = await api.as(bob).post('/direct-channels', { peerUserId: ann.id });
    expect(again).toEqual({ status: 200, body: { channelId: first.body.channelId, created: false } });
    expect(fromPeer).toEqual({ status: 200, body: { channelId: first.body.channelId, created: false } });
  });

  it('20 concurrent opens from both sides create exactly one channel', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    await api.befriend(ann, bob);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? api.as(ann).post('/direct-channels', { peerUserId: bob.id })
          : api.as(bob).post('/direct-channels', { peerUserId: ann.id }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(replies.map((r) => r.body.channelId)).size).toBe(1);
    const direct = await api.query(
      `select c.id from channels c join channel_members m on m.channel_id = c.id where c.channel_type = 1 and m.user_id = $1`,
      [ann.id],
    );
    expect(direct).toHaveLength(1);
  });
});

describe('groups', () => {
  it('creating one makes the creator its owner (role 2) and the listed users members (role 0), all read pointers at 0', async () => {
    const [owner, m1, m2] = [await api.createUser('o'), await api.createUser('m1'), await api.createUser('m2')];
    const reply = await api.as(owner).post('/groups', { name: 'Book club', avatar: 'club.png', memberIds: [m1.id, m2.id, owner.id] });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ name: 'Book club', avatar: 'club.png', channelInfoVer: 1, memberCount: 3, dissolvedAt: null });
    const channelId = reply.body.channelId;
    expect(await channelRow(channelId)).toMatchObject({ channel_type: 2, channel_name: 'Book club', owner_user_id: owner.id });
    const rows = await members(channelId);
    expect(Object.fromEntries(rows.map((m) => [m.user_id, m.role]))).toEqual({ [owner.id]: 2, [m1.id]: 0, [m2.id]: 0 });
    for (const u of [owner, m1, m2]) expect(await readPointer(u.id, channelId)).toBe('0');
  });

  it('renaming and changing the avatar add 1 to channel_info_ver per real change; an admin may, a member may not', async () => {
    const [owner, admin, plain] = [await api.createUser('o'), await api.createUser('a'), await api.createUser('p')];
    const channelId = await group(owner, [admin, plain]);
    expect((await api.as(owner).patch(`/groups/${channelId}`, { name: 'renamed' })).body.channelInfoVer).toBe(2);
    expect((await api.as(owner).patch(`/groups/${channelId}`, { name: 'renamed' })).body.channelInfoVer).toBe(2);
    expect((await api.as(plain).patch(`/groups/${channelId}`, { avatar: 'x.png' })).body.error).toBe('not_group_admin');

    const promoted = await api.as(owner).put(`/groups/${channelId}/members/${admin.id}/role`, { role: 'admin' });
    expect(promoted.body).toEqual({ userId: admin.id, role: 'admin', memberVer: 2 });
    const changed = await api.as(admin).patch(`/groups/${channelId}`, { name: 'by admin', avatar: 'x.png' });
    expect(changed.body).toMatchObject({ name: 'by admin', avatar: 'x.png', channelInfoVer: 3 });
    expect(await channelRow(channelId)).toMatchObject({ channel_name: 'by admin', channel_avatar: 'x.png', channel_info_ver: 3 });
  });

  it('joining sets the read pointer to the channel’s highest seq', async () => {
    const [owner, joiner] = [await api.createUser('o'), await api.createUser('j')];
    const channelId = await group(owner);
    for (let i = 0; i < 3; i++) await send(owner, channelId);
    const reply = await api.as(joiner).post(`/groups/${channelId}/join`);
    expect(reply).toEqual({ status: 200, body: { channelId, userId: joiner.id, lastReadSeq: '3' } });
    expect(await member(channelId, joiner.id)).toMatchObject({ role: 0, left_at: null, member_ver: 1 });
    expect(await readPointer(joiner.id, channelId)).toBe('3');
  });

  it('leaving sets left_at (the row stays); rejoining clears it, each step adding 1 to member_ver', async () => {
    const [owner, m] = [await api.createUser('o'), await api.createUser('m')];
    const channelId = await group(owner, [m]);
    await send(owner, channelId);
    expect((await api.as(m).post(`/groups/${channelId}/leave`)).status).toBe(204);
    expect(await member(channelId, m.id)).toMatchObject({ left_at: expect.any(Date), member_ver: 2 });
    expect((await send(m, channelId)).body.error).toBe('not_a_member');

    await send(owner, channelId);
    await send(owner, channelId);
    const rejoined = await api.as(m).post(`/groups/${channelId}/join`);
    expect(rejoined.body.lastReadSeq).toBe('3');
    expect(await member(channelId, m.id)).toMatchObject({ left_at: null, member_ver: 3, role: 0 });
    expect((await send(m, channelId)).status).toBe(201);
  });

  it('a member adds someone; the owner removes a member (left_at set, member_ver + 1)', async () => {
    const [owner, m, newcomer] = [await api.createUser('o'), await api.createUser('m'), await api.createUser('n')];
    const channelId = await group(owner, [m]);
    const added = await api.as(m).post(`/groups/${channelId}/members`, { userId: newcomer.id });
    expect(added.status).toBe(201);
    expect(await member(channelId, newcomer.id)).toMatchObject({ role: 0, left_at: null, member_ver: 1 });
    expect(await readPointer(newcomer.id, channelId)).toBe('0');

    expect((await api.as(owner).delete(`/groups/${channelId}/members/${newcomer.id}`)).status).toBe(204);
    expect(await member(channelId, newcomer.id)).toMatchObject({ left_at: expect.any(Date), member_ver: 2 });
  });

  it('an admin removes plain members but not other admins', async () => {
    const [owner, admin1, admin2, plain] = [
      await api.createUser('o'),
      await api.createUser('a1'),
      await api.createUser('a2'),
      await api.createUser('p'),
    ];
    const channelId = await group(owner, [admin1, admin2, plain]);
    await api.as(owner).put(`/groups/${channelId}/members/${admin1.id}/role`, { role: 'admin' });
    await api.as(owner).put(`/groups/${channelId}/members/${admin2.id}/role`, { role: 'admin' });
    expect((await api.as(admin1).delete(`/groups/${channelId}/members/${admin2.id}`)).body.error).toBe('not_group_owner');
    expect((await api.as(admin1).delete(`/groups/${channelId}/members/${plain.id}`)).status).toBe(204);
  });

  it('dissolving sets dissolved_at and adds 1 to channel_info_ver; the group then refuses messages and joins', async () => {
    const [owner, m, outsider] = [await api.createUser('o'), await api.createUser('m'), await api.createUser('x')];
    const channelId = await group(owner, [m]);
    const reply = await api.as(owner).post(`/groups/${channelId}/dissolve`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ channelInfoVer: 2, dissolvedAt: expect.any(String) });
    expect(await channelRow(channelId)).toMatchObject({ channel_info_ver: 2, dissolved_at: expect.any(Date) });
    // Members keep their rows: their conversations close through dissolved_at.
    expect((await members(channelId)).every((row) => row.left_at === null)).toBe(true);
    expect((await send(m, channelId)).body.error).toBe('channel_dissolved');
    expect((await api.as(outsider).post(`/groups/${channelId}/join`)).body.error).toBe('channel_dissolved');
  });
});
