import { createWriteApiHarness, type WriteApiHarness } from './writeApiHarness';

let api: WriteApiHarness;
beforeAll(async () => {
  api = await createWriteApiHarness();
});
afterAll(() => api.close());

const userRow = async (id: string) =>
  (
    await api.query<{ id: string; nickname: string; avatar: string; profile_ver: number; updated_at: Date }>(
      'select id::text, nickname, avatar, profile_ver, updated_at from users where id = $1',
      [id],
    )
  )[0];

describe('users', () => {
  it('creating a user stores it with a generated id above 2^53 that reads back exactly, profile_ver 1', async () => {
    const reply = await api.request('POST', '/users', { body: { nickname: 'Ann', avatar: 'https://img/ann.png' } });
    expect(reply.status).toBe(201);
    const id: string = reply.body.user.id;
    expect(BigInt(id) > 2n ** 53n).toBe(true);
    // Ids travel as decimal strings, never as JSON numbers (which would round most of them).
    expect(typeof id).toBe('string');
    expect(reply.body.user).toEqual({ id, nickname: 'Ann', avatar: 'https://img/ann.png', profileVer: 1 });
    expect(await userRow(id)).toMatchObject({ id, nickname: 'Ann', avatar: 'https://img/ann.png', profile_ver: 1 });
    expect(typeof reply.body.token).toBe('string');
  });

  it('changing the nickname adds 1 to profile_ver and moves updated_at', async () => {
    const ann = await api.createUser('Ann');
    const before = await userRow(ann.id);
    const reply = await api.as(ann).patch(`/users/${ann.id}`, { nickname: 'Annie' });
    expect(reply).toEqual({ status: 200, body: { id: ann.id, nickname: 'Annie', avatar: '', profileVer: 2 } });
    const after = await userRow(ann.id);
    expect(after).toMatchObject({ nickname: 'Annie', profile_ver: 2 });
    expect(after!.updated_at.getTime()).toBeGreaterThanOrEqual(before!.updated_at.getTime());
  });

  it('changing the avatar adds 1; changing both at once adds 1 once', async () => {
    const bob = await api.createUser('Bob');
    await api.as(bob).patch(`/users/${bob.id}`, { avatar: 'a1' });
    expect(await userRow(bob.id)).toMatchObject({ avatar: 'a1', profile_ver: 2 });
    await api.as(bob).patch(`/users/${bob.id}`, { nickname: 'Bobby', avatar: 'a2' });
    expect(await userRow(bob.id)).toMatchObject({ nickname: 'Bobby', avatar: 'a2', profile_ver: 3 });
  });

  it('repeating a change leaves profile_ver and the row as they were', async () => {
    const cid = await api.createUser('Cid');
    await api.as(cid).patch(`/users/${cid.id}`, { nickname: 'Cidney' });
    const before = await userRow(cid.id);
    const reply = await api.as(cid).patch(`/users/${cid.id}`, { nickname: 'Cidney' });
    expect(reply.body.profileVer).toBe(2);
    expect(await userRow(cid.id)).toEqual(before);
  });

  it('a token issued for one user cannot change another user', async () => {
    const [mallory, victim] = [await api.createUser('Mallory'), await api.createUser('Victim')];
    const before = await api.snapshot([mallory.id, victim.id]);
    const reply = await api.as(mallory).patch(`/users/${victim.id}`, { nickname: 'pwned' });
    expect(reply.status).toBe(403);
    expect(reply.body.error).toBe('not_your_account');
    expect(await api.snapshot([mallory.id, victim.id])).toEqual(before);
  });
});
