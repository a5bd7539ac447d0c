import { createWriteApiHarness, type WriteApiHarness } from './writeApiHarness';

let api: WriteApiHarness;
beforeAll(async () => {
  api = await createWriteApiHarness();
});
afterAll(() => api.close());

const friendshipRows = (a: string, b: string) =>
  api.query<{ user_id: string; friend_id: string; remark_name: string; friend_ver: number }>(
    `select user_id::text, friend_id::text, remark_name, friend_ver from friendships
      where (user_id = $1 and friend_id = $2) or (user_id = $2 and friend_id = $1) order by user_id`,
    [a, b],
  );
const applicationRow = async (id: string) =>
  (
    await api.query<{
      applicant_id: string;
      target_type: number;
      target_id: string;
      message: string;
      status: number;
      handled_at: Date | null;
    }>('select applicant_id::text, target_type, target_id::text, message, status, handled_at from channel_applications where id = $1', [id])
  )[0];

describe('friendships', () => {
  it('applying stores a pending friend application (target_type 1) and nothing else', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const reply = await api.as(ann).post('/friend-applications', { targetUserId: bob.id, message: 'hi, it is Ann' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ applicantId: ann.id, targetUserId: bob.id, status: 'pending' });
    expect(await applicationRow(reply.body.applicationId)).toEqual({
      applicant_id: ann.id,
      target_type: 1,
      target_id: bob.id,
      message: 'hi, it is Ann',
      status: 0,
      handled_at: null,
    });
    expect(await friendshipRows(ann.id, bob.id)).toEqual([]);
  });

  it('accepting marks the application accepted and creates both directed rows', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const applied = await api.as(ann).post('/friend-applications', { targetUserId: bob.id });
    const reply = await api.as(bob).post(`/friend-applications/${applied.body.applicationId}/accept`);
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('accepted');
    expect(await applicationRow(applied.body.applicationId)).toMatchObject({ status: 1, handled_at: expect.any(Date) });
    const rows = await friendshipRows(ann.id, bob.id);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => [r.user_id, r.friend_id]).sort()).toEqual(
      [
        [ann.id, bob.id],
        [bob.id, ann.id],
      ].sort(),
    );
    expect(rows.every((r) => r.friend_ver === 1 && r.remark_name === '')).toBe(true);
  });

  it('rejecting marks the application rejected and creates no friendship; a new application is then possible', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const applied = await api.as(ann).post('/friend-applications', { targetUserId: bob.id });
    const reply = await api.as(bob).post(`/friend-applications/${applied.body.applicationId}/reject`);
    expect(reply.body.status).toBe('rejected');
    expect(await applicationRow(applied.body.applicationId)).toMatchObject({ status: 2, handled_at: expect.any(Date) });
    expect(await friendshipRows(ann.id, bob.id)).toEqual([]);
    expect((await api.as(ann).post('/friend-applications', { targetUserId: bob.id })).status).toBe(201);
  });

  it('a remark changes only the caller’s row, adds 1 to friend_ver each time it changes, and clears with ""', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    await api.befriend(ann, bob);
    const set = await api.as(ann).put(`/friends/${bob.id}/remark`, { remarkName: 'Bobby from work' });
    expect(set.body).toEqual({ friendId: bob.id, remarkName: 'Bobby from work', friendVer: 2 });
    const same = await api.as(ann).put(`/friends/${bob.id}/remark`, { remarkName: 'Bobby from work' });
    expect(same.body.friendVer).toBe(2);
    const cleared = await api.as(ann).put(`/friends/${bob.id}/remark`, { remarkName: '' });
    expect(cleared.body).toEqual({ friendId: bob.id, remarkName: '', friendVer: 3 });
    const rows = await friendshipRows(ann.id, bob.id);
    expect(rows.find((r) => r.user_id === ann.id)).toMatchObject({ remark_name: '', friend_ver: 3 });
    expect(rows.find((r) => r.user_id === bob.id)).toMatchObject({ remark_name: '', friend_ver: 1 });
  });

  it('unfriending deletes both rows; the pair can become friends again', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    await api.befriend(ann, bob);
    const reply = await api.as(bob).delete(`/friends/${ann.id}`);
    expect(reply.status).toBe(204);
    expect(await friendshipRows(ann.id, bob.id)).toEqual([]);
    await api.befriend(bob, ann);
    expect(await friendshipRows(ann.id, bob.id)).toHaveLength(2);
  });

  it('concurrent applications between the same pair leave exactly one pending application', async () => {
    const [ann, bob] = [await api.createUser('ann'), await api.createUser('bob')];
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? api.as(ann).post('/friend-applications', { targetUserId: bob.id })
          : api.as(bob).post('/friend-applications', { targetUserId: ann.id }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409).every((r) => r.body.error === 'application_pending')).toBe(true);
    const pending = await api.query(
      `select id from channel_applications where target_type = 1 and status = 0
        and ((applicant_id = $1 and target_id = $2) or (applicant_id = $2 and target_id = $1))`,
      [ann.id, bob.id],
    );
    expect(pending).toHaveLength(1);
  });
});
