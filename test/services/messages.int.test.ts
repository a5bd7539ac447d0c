import { createWriteApiHarness, type TestUser, type WriteApiHarness } from './writeApiHarness';

let api: WriteApiHarness;
beforeAll(async () => {
  api = await createWriteApiHarness();
});
afterAll(() => api.close());

async function group(owner: TestUser, others: TestUser[] = []) {
  return (await api.as(owner).post('/groups', { name: 'chat', memberIds: others.map((u) => u.id) })).body.channelId as string;
}
const send = (user: TestUser, channelId: string, content = 'hello', msgType?: number) =>
  api.as(user).post(`/channels/${channelId}/messages`, msgType === undefined ? { content } : { content, msgType });
const seqsOf = async (channelId: string) =>
  (await api.query<{ seq: string }>('select seq::text from messages where channel_id = $1 order by messages.seq', [channelId])).map((r) =>
    Number(r.seq),
  );
const readPointer = async (userId: string, channelId: string) =>
  (
    await api.query<{ last_read_seq: string }>(
      'select last_read_seq::text from channel_read_records where user_id = $1 and channel_id = $2',
      [userId, channelId],
    )
  )[0]?.last_read_seq;

describe('messages', () => {
  it('sending stores the message with the next seq, the sender and the type', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const channelId = await group(ann, [bob]);
    const first = await send(ann, channelId, 'first');
    const second = await send(bob, channelId, 'second', 7);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ channelId, seq: '1' });
    expect(second.body.seq).toBe('2');
    const rows = await api.query(
      'select id::text, sender_id::text, msg_type, content, created_at, recalled_at from messages where channel_id = $1 order by messages.seq',
      [channelId],
    );
    expect(rows).toEqual([
      {
        id: first.body.messageId,
        sender_id: ann.id,
        msg_type: 1,
        content: 'first',
        created_at: new Date(first.body.createdAt),
        recalled_at: null,
      },
      {
        id: second.body.messageId,
        sender_id: bob.id,
        msg_type: 7,
        content: 'second',
        created_at: new Date(second.body.createdAt),
        recalled_at: null,
      },
    ]);
  });

  it('50 concurrent senders to one channel get seqs 1..50, no duplicate, no gap', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, (_, i) => api.createUser(`sender${i}`)));
    const channelId = await group(users[0]!, users.slice(1));
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => send(users[i % 5]!, channelId, `m${i}`)));
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const replied = replies.map((r) => Number(r.body.seq)).sort((a, b) => a - b);
    const expected = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(replied).toEqual(expected);
    expect(await seqsOf(channelId)).toEqual(expected);
  });

  it('direct messages flow between friends and stop after an unfriend', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    await api.befriend(ann, bob);
    const channelId = (await api.as(ann).post('/direct-channels', { peerUserId: bob.id })).body.channelId;
    expect((await send(ann, channelId)).body.seq).toBe('1');
    expect((await send(bob, channelId)).body.seq).toBe('2');
    await api.as(ann).delete(`/friends/${bob.id}`);
    const refused = await send(bob, channelId);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('not_friends');
    expect(await seqsOf(channelId)).toEqual([1, 2]);
  });

  it('the sender recalls a message once: recalled_at is set, the row and its content stay', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const channelId = await group(ann, [bob]);
    const sent = await send(ann, channelId, 'oops');
    const url = `/channels/${channelId}/messages/${sent.body.messageId}/recall`;
    expect((await api.as(bob).post(url)).body.error).toBe('not_message_sender');
    const recalled = await api.as(ann).post(url);
    expect(recalled.status).toBe(200);
    const [row] = await api.query<{ content: string; recalled_at: Date }>('select content, recalled_at from messages where id = $1', [
      sent.body.messageId,
    ]);
    expect(row!.content).toBe('oops');
    expect(row!.recalled_at.toISOString()).toBe(recalled.body.recalledAt);
    const again = await api.as(ann).post(url);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_recalled');
    const [unchanged] = await api.query<{ recalled_at: Date }>('select recalled_at from messages where id = $1', [sent.body.messageId]);
    expect(unchanged!.recalled_at).toEqual(row!.recalled_at);
  });
});

describe('reading', () => {
  it('moves the read pointer forward, never back, never past the last seq; repeating is harmless', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const channelId = await group(ann, [bob]);
    for (let i = 0; i < 5; i++) await send(ann, channelId);
    const read = (seq: string) => api.as(bob).put(`/channels/${channelId}/read`, { seq });

    expect((await read('3')).body).toEqual({ channelId, lastReadSeq: '3' });
    expect((await read('3')).body.lastReadSeq).toBe('3');
    expect((await read('1')).body.lastReadSeq).toBe('3');
    expect(await readPointer(bob.id, channelId)).toBe('3');
    const beyond = await read('6');
    expect(beyond.status).toBe(409);
    expect(beyond.body.error).toBe('seq_beyond_last_message');
    expect(await readPointer(bob.id, channelId)).toBe('3');
    expect((await read('5')).body.lastReadSeq).toBe('5');
    expect(await readPointer(bob.id, channelId)).toBe('5');
  });

  it('concurrent marks end at the highest one', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const channelId = await group(ann, [bob]);
    for (let i = 0; i < 20; i++) await send(ann, channelId);
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.as(bob).put(`/channels/${channelId}/read`, { seq: String(20 - i) })));
    expect(await readPointer(bob.id, channelId)).toBe('20');
  });
});

describe('conversation settings', () => {
  it('pin, mute and hide change only the caller’s row, member_ver + 1 per real change', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const channelId = await group(ann, [bob]);
    const url = `/channels/${channelId}/settings`;
    expect((await api.as(bob).patch(url, { pinned: true })).body).toEqual({
      channelId,
      pinned: true,
      muted: false,
      hidden: false,
      memberVer: 2,
    });
    expect((await api.as(bob).patch(url, { pinned: true })).body.memberVer).toBe(2);
    expect((await api.as(bob).patch(url, { muted: true, hidden: true })).body).toMatchObject({
      pinned: true,
      muted: true,
      hidden: true,
      memberVer: 3,
    });
    expect((await api.as(bob).patch(url, { pinned: false })).body).toMatchObject({ pinned: false, memberVer: 4 });
    const rows = await api.query(
      'select user_id::text, is_pinned, is_muted, is_hidden, member_ver from channel_members where channel_id = $1',
      [channelId],
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { user_id: bob.id, is_pinned: false, is_muted: true, is_hidden: true, member_ver: 4 },
        { user_id: ann.id, is_pinned: false, is_muted: false, is_hidden: false, member_ver: 1 },
      ]),
    );
  });
});
