import fc from 'fast-check';
import { createQueryApiHarness } from '../services/queryApiHarness';
import { createWriteApiHarness, type TestUser, type WriteApiHarness } from '../services/writeApiHarness';

/**
 * Authorization through the HTTP API, as a property: random users try random actions on random
 * resources of a world built through the API; every attempt on something that is not theirs
 * (the model below says which) gets 403 or 404, and the database is unchanged. The same for
 * reads: a user's conversation and contact lists show that user's rows and no one else's.
 */

type Name = 'ann' | 'bob' | 'cid' | 'dan' | 'eve';
const NAMES: readonly Name[] = ['ann', 'bob', 'cid', 'dan', 'eve'];
type Role = 'owner' | 'admin' | 'member';

interface Channel {
  readonly key: string;
  id: string;
  readonly group: boolean;
  readonly members: Readonly<Partial<Record<Name, Role>>>;
}
interface Message {
  readonly key: string;
  readonly channel: string;
  readonly sender: Name;
  id: string;
}
interface Application {
  readonly key: string;
  readonly applicant: Name;
  readonly target: Name;
  id: string;
}

// The world, as a model the oracle reads: two groups, two direct channels, messages, friendships,
// pending friend applications.
const CHANNELS: Channel[] = [
  { key: 'g1', id: '', group: true, members: { ann: 'owner', bob: 'admin', cid: 'member' } },
  { key: 'g2', id: '', group: true, members: { dan: 'owner', eve: 'member' } },
  { key: 'd_ann_bob', id: '', group: false, members: { ann: 'member', bob: 'member' } },
  { key: 'd_dan_eve', id: '', group: false, members: { dan: 'member', eve: 'member' } },
];
const FRIENDS: ReadonlyArray<readonly [Name, Name]> = [
  ['ann', 'bob'],
  ['dan', 'eve'],
  ['cid', 'dan'],
];
const MESSAGES: Message[] = [
  { key: 'm1', channel: 'g1', sender: 'ann', id: '' },
  { key: 'm2', channel: 'g1', sender: 'cid', id: '' },
  { key: 'm3', channel: 'g2', sender: 'dan', id: '' },
  { key: 'm4', channel: 'd_ann_bob', sender: 'bob', id: '' },
  { key: 'm5', channel: 'd_dan_eve', sender: 'eve', id: '' },
];
const APPLICATIONS: Application[] = [
  { key: 'eve->ann', applicant: 'eve', target: 'ann', id: '' },
  { key: 'cid->eve', applicant: 'cid', target: 'eve', id: '' },
];

const channel = (key: string) => CHANNELS.find((c) => c.key === key)!;
const roleIn = (c: Channel, who: Name): Role | undefined => c.members[who];
const friends = (x: Name, y: Name) => FRIENDS.some(([p, q]) => (p === x && q === y) || (p === y && q === x));
const others = (x: Name) => NAMES.filter((n) => n !== x);

/** One attempt: who, what, on what; `forbidden` is the model's verdict. */
interface Attempt {
  readonly label: string;
  readonly forbidden: boolean;
  readonly send: (api: WriteApiHarness, as: TestUser, users: Record<Name, TestUser>) => ReturnType<WriteApiHarness['request']>;
}

function attemptsOf(x: Name): Attempt[] {
  const attempts: Attempt[] = [];
  const add = (label: string, forbidden: boolean, send: Attempt['send']) => attempts.push({ label: `${x}: ${label}`, forbidden, send });
  for (const c of CHANNELS) {
    const member = roleIn(c, x) !== undefined;
    add(`send a message to ${c.key}`, !member, (api, me) => api.as(me).post(`/channels/${c.id}/messages`, { content: 'intruder' }));
    add(`mark ${c.key} read`, !member, (api, me) => api.as(me).put(`/channels/${c.id}/read`, { seq: '1' }));
    add(`pin ${c.key}`, !member, (api, me) => api.as(me).patch(`/channels/${c.id}/settings`, { pinned: true }));
    if (!c.group) continue;
    const role = roleIn(c, x);
    add(`rename ${c.key}`, role !== 'owner' && role !== 'admin', (api, me) => api.as(me).patch(`/groups/${c.id}`, { name: 'taken over' }));
    add(`dissolve ${c.key}`, role !== 'owner', (api, me) => api.as(me).post(`/groups/${c.id}/dissolve`));
    for (const y of others(x)) {
      const target = roleIn(c, y);
      if (target !== undefined) {
        // The owner removes anyone but itself; an admin removes plain members only.
        const mayRemove = target !== 'owner' && (role === 'owner' || (role === 'admin' && target === 'member'));
        add(`remove ${y} from ${c.key}`, !mayRemove, (api, me, users) => api.as(me).delete(`/groups/${c.id}/members/${users[y].id}`));
        add(`make ${y} admin of ${c.key}`, role !== 'owner', (api, me, users) =>
          api.as(me).put(`/groups/${c.id}/members/${users[y].id}/role`, { role: 'admin' }),
        );
      } else {
        add(`add ${y} to ${c.key}`, role === undefined, (api, me, users) =>
          api.as(me).post(`/groups/${c.id}/members`, { userId: users[y].id }),
        );
      }
    }
  }
  for (const m of MESSAGES) {
    add(`recall ${m.key}`, m.sender !== x, (api, me) => api.as(me).post(`/channels/${channel(m.channel).id}/messages/${m.id}/recall`));
    // A message named under a channel it is not in: even its sender, a member there, may not.
    for (const c of CHANNELS.filter((other) => other.key !== m.channel && roleIn(other, x) !== undefined)) {
      add(`recall ${m.key} through ${c.key}`, true, (api, me) => api.as(me).post(`/channels/${c.id}/messages/${m.id}/recall`));
    }
  }
  for (const a of APPLICATIONS) {
    for (const decision of ['accept', 'reject'] as const) {
      add(`${decision} ${a.key}`, a.target !== x, (api, me) => api.as(me).post(`/friend-applications/${a.id}/${decision}`));
    }
  }
  for (const y of others(x)) {
    add(`change ${y}'s profile`, true, (api, me, users) => api.as(me).patch(`/users/${users[y].id}`, { nickname: 'impostor' }));
    if (!friends(x, y)) {
      add(`set a remark on ${y}`, true, (api, me, users) => api.as(me).put(`/friends/${users[y].id}/remark`, { remarkName: 'mine now' }));
      add(`unfriend ${y}`, true, (api, me, users) => api.as(me).delete(`/friends/${users[y].id}`));
    }
  }
  return attempts;
}

describe('authorization through the write API', () => {
  let api: WriteApiHarness;
  let users: Record<Name, TestUser>;
  const ALL = NAMES.flatMap((x) => attemptsOf(x).map((attempt) => ({ actor: x, attempt })));
  const FORBIDDEN = ALL.filter(({ attempt }) => attempt.forbidden);

  beforeAll(async () => {
    api = await createWriteApiHarness();
    users = Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await api.createUser(n)] as const))) as Record<Name, TestUser>;
    for (const [x, y] of FRIENDS) await api.befriend(users[x], users[y]);
    for (const c of CHANNELS) {
      const [owner, ...rest] = Object.keys(c.members) as Name[];
      if (c.group) {
        const reply = await api.as(users[owner!]).post('/groups', { name: c.key, memberIds: rest.map((n) => users[n].id) });
        c.id = reply.body.channelId;
        for (const n of rest.filter((m) => c.members[m] === 'admin')) {
          await api.as(users[owner!]).put(`/groups/${c.id}/members/${users[n].id}/role`, { role: 'admin' });
        }
      } else {
        c.id = (await api.as(users[owner!]).post('/direct-channels', { peerUserId: users[rest[0]!].id })).body.channelId;
      }
    }
    for (const m of MESSAGES) {
      m.id = (await api.as(users[m.sender]).post(`/channels/${channel(m.channel).id}/messages`, { content: m.key })).body.messageId;
    }
    for (const a of APPLICATIONS) {
      a.id = (await api.as(users[a.applicant]).post('/friend-applications', { targetUserId: users[a.target].id })).body.applicationId;
    }
    // The world is as the model says, or the verdicts below mean nothing.
    const isId = (id: unknown) => typeof id === 'string' && /^\d+$/.test(id);
    expect([...CHANNELS, ...MESSAGES, ...APPLICATIONS].filter((thing) => !isId(thing.id)).map((thing) => thing.key)).toEqual([]);
    const roleNames = ['member', 'admin', 'owner'];
    const members = await api.query<{ channel_id: string; user_id: string; role: number }>(
      'select channel_id::text, user_id::text, role from channel_members where channel_id = any($1::bigint[]) and left_at is null',
      [CHANNELS.map((c) => c.id)],
    );
    const byId = new Map(NAMES.map((n) => [users[n].id, n]));
    for (const c of CHANNELS) {
      const actual = Object.fromEntries(
        members.filter((m) => m.channel_id === c.id).map((m) => [byId.get(m.user_id)!, c.group ? roleNames[m.role]! : 'member']),
      );
      expect({ channel: c.key, members: actual }).toEqual({ channel: c.key, members: c.members });
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  it('the model offers many forbidden attempts, of every kind', () => {
    expect(FORBIDDEN.length).toBeGreaterThan(80);
    for (const kind of [
      'send a message',
      'recall',
      'rename',
      'dissolve',
      'remove',
      'admin of',
      'accept',
      'reject',
      'profile',
      'remark',
      'unfriend',
      'pin',
      'read',
    ]) {
      expect(FORBIDDEN.some(({ attempt }) => attempt.label.includes(kind))).toBe(true);
    }
  });

  it('given any user and any resource not theirs, when they act on it, then they get 403 or 404 and nothing changes', async () => {
    const everyone = () => NAMES.map((n) => users[n].id);
    const channelIds = () => CHANNELS.map((c) => c.id);
    // Every forbidden attempt, in an order fast-check draws (an earlier one must not open the way
    // for a later one, whatever the order); a failure names the attempt and the seed.
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(FORBIDDEN, { minLength: FORBIDDEN.length }), async (attempts) => {
        for (const { actor, attempt } of attempts) {
          const before = await api.snapshot(everyone(), channelIds());
          const reply = await attempt.send(api, users[actor], users);
          const refused = [403, 404].includes(reply.status) && reply.body?.error !== 'route_not_found';
          expect({ attempt: attempt.label, status: reply.status, error: reply.body?.error, refused }).toMatchObject({ refused: true });
          expect(await api.snapshot(everyone(), channelIds())).toEqual(before);
        }
      }),
      { numRuns: 2 },
    );
  });
});

describe('authorization through the query API', () => {
  it('given users with conversations and contacts, then each reads only their own rows, and another’s conversation is 404', async () => {
    const q = await createQueryApiHarness();
    try {
      const readers = [q.newUser(), q.newUser(), q.newUser(), q.newUser()];
      const rows = readers.flatMap((u) => [q.conversation(u), q.conversation(u)]);
      await q.insertConversations(rows);
      const contactRows = readers.map((u) => q.contact(u));
      await q.insertContacts(contactRows);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...readers), fc.constantFrom(...rows), async (reader, row) => {
          const own = row.user_id === reader.id;
          const one = await q.get(`/me/conversations/${row.channel_id}`, reader.token);
          expect(one.status).toBe(own ? 200 : 404);
          const list = await q.get('/me/conversations?limit=50', reader.token);
          expect(list.status).toBe(200);
          const listed = (list.body.conversations as Array<{ channelId: string }>).map((c) => c.channelId).sort();
          expect(listed).toEqual(
            rows
              .filter((r) => r.user_id === reader.id)
              .map((r) => String(r.channel_id))
              .sort(),
          );
          const contacts = await q.get('/me/contacts', reader.token);
          expect(contacts.status).toBe(200);
          expect((contacts.body.contacts as Array<{ contactUserId: string }>).map((c) => c.contactUserId)).toEqual(
            contactRows.filter((r) => r.user_id === reader.id).map((r) => String(r.contact_user_id)),
          );
        }),
        { numRuns: 40 },
      );
    } finally {
      await q.close();
    }
  });
});
