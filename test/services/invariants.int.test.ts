import fc from 'fast-check';
import { createWriteApiHarness, type ApiReply, type TestUser, type WriteApiHarness } from './writeApiHarness';

/**
 * Random batches of commands (each batch sent concurrently) by a small crowd of users, then the
 * contract's invariants checked by SQL over every row those users touched. Refusals are fine;
 * a 5xx never is.
 */

let api: WriteApiHarness;
beforeAll(async () => {
  api = await createWriteApiHarness();
});
afterAll(() => api.close());

const CROWD = 6;
const who = fc.nat(CROWD - 1);
const pick = fc.nat(1000);
const commandArb = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('send' as const), actor: who, channel: pick }), weight: 6 },
  {
    arbitrary: fc.record({ kind: fc.constant('read' as const), actor: who, channel: pick, ahead: fc.integer({ min: -2, max: 1 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('apply' as const), actor: who, target: who }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('decide' as const), actor: who, application: pick, accept: fc.boolean() }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constant('remark' as const), actor: who, target: who, name: fc.constantFrom('', 'pal', 'boss') }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('unfriend' as const), actor: who, target: who }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('openDirect' as const), actor: who, target: who }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('createGroup' as const), actor: who, members: fc.uniqueArray(who, { maxLength: 4 }) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('rename' as const), actor: who, channel: pick, name: fc.constantFrom('a', 'b', 'c') }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('join' as const), actor: who, channel: pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('add' as const), actor: who, channel: pick, target: who }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), actor: who, channel: pick, target: who }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('leave' as const), actor: who, channel: pick }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('role' as const),
      actor: who,
      channel: pick,
      target: who,
      role: fc.constantFrom('admin', 'member'),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('dissolve' as const), actor: who, channel: pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('recall' as const), actor: who, message: pick }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('settings' as const),
      actor: who,
      channel: pick,
      flag: fc.constantFrom('pinned', 'muted', 'hidden'),
      on: fc.boolean(),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('profile' as const), actor: who, nickname: fc.constantFrom('x', 'y') }), weight: 1 },
);
type RandomCommand = typeof commandArb extends fc.Arbitrary<infer T> ? T : never;

/** What the run learned from accepted replies, so later commands can refer to real things. */
interface Known {
  users: TestUser[];
  channels: string[];
  lastSeq: Map<string, bigint>;
  messages: { channelId: string; messageId: string }[];
  applications: string[];
  /** Highest read pointer a reply reported per user:channel; the table must never be below it. */
  readPointers: Map<string, bigint>;
}

const at = <T>(list: readonly T[], index: number): T | undefined => (list.length === 0 ? undefined : list[index % list.length]);

async function run(known: Known, command: RandomCommand): Promise<ApiReply | undefined> {
  const actor = api.as(known.users[command.actor]!);
  const user = (i: number) => known.users[i]!.id;
  switch (command.kind) {
    case 'send': {
      const channel = at(known.channels, command.channel);
      if (channel === undefined) return undefined;
      const reply = await actor.post(`/channels/${channel}/messages`, { content: 'random' });
      if (reply.status === 201) {
        known.messages.push({ channelId: channel, messageId: reply.body.messageId });
        const seq = BigInt(reply.body.seq);
        if (seq > (known.lastSeq.get(channel) ?? 0n)) known.lastSeq.set(channel, seq);
      }
      return reply;
    }
    case 'read': {
      const channel = at(known.channels, command.channel);
      if (channel === undefined) return undefined;
      const seq = (known.lastSeq.get(channel) ?? 0n) + BigInt(command.ahead);
      const reply = await actor.put(`/channels/${channel}/read`, { seq: String(seq < 0n ? 0n : seq) });
      if (reply.status === 200) {
        const key = `${known.users[command.actor]!.id}:${channel}`;
        const value = BigInt(reply.body.lastReadSeq);
        if (value > (known.readPointers.get(key) ?? 0n)) known.readPointers.set(key, value);
      }
      return reply;
    }
    case 'apply': {
      const reply = await actor.post('/friend-applications', { targetUserId: user(command.target) });
      if (reply.status === 201) known.applications.push(reply.body.applicationId);
      return reply;
    }
    case 'decide': {
      const application = at(known.applications, command.application);
      if (application === undefined) return undefined;
      return actor.post(`/friend-applications/${application}/${command.accept ? 'accept' : 'reject'}`);
    }
    case 'remark':
      return actor.put(`/friends/${user(command.target)}/remark`, { remarkName: command.name });
    case 'unfriend':
      return actor.delete(`/friends/${user(command.target)}`);
    case 'openDirect': {
      const reply = await actor.post('/direct-channels', { peerUserId: user(command.target) });
      if (reply.status === 201) known.channels.push(reply.body.channelId);
      return reply;
    }
    case 'createGroup': {
      const reply = await actor.post('/groups', { name: 'random', memberIds: command.members.map(user) });
      if (reply.status === 201) known.channels.push(reply.body.channelId);
      return reply;
    }
    case 'rename':
    case 'join':
    case 'leave':
    case 'dissolve':
    case 'settings': {
      const channel = at(known.channels, command.channel);
      if (channel === undefined) return undefined;
      if (command.kind === 'rename') return actor.patch(`/groups/${channel}`, { name: command.name });
      if (command.kind === 'settings') return actor.patch(`/channels/${channel}/settings`, { [command.flag]: command.on });
      return actor.post(`/groups/${channel}/${command.kind}`);
    }
    case 'add':
    case 'remove':
    case 'role': {
      const channel = at(known.channels, command.channel);
      if (channel === undefined) return undefined;
      if (command.kind === 'add') return actor.post(`/groups/${channel}/members`, { userId: user(command.target) });
      if (command.kind === 'remove') return actor.delete(`/groups/${channel}/members/${user(command.target)}`);
      return actor.put(`/groups/${channel}/members/${user(command.target)}/role`, { role: command.role });
    }
    case 'recall': {
      const message = at(known.messages, command.message);
      if (message === undefined) return undefined;
      return actor.post(`/channels/${message.channelId}/messages/${message.messageId}/recall`);
    }
    case 'profile':
      return actor.patch(`/users/${known.users[command.actor]!.id}`, { nickname: command.nickname });
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** Each query returns the rows that break one invariant; all must come back empty. */
const INVARIANTS: Record<string, string> = {
  'profile_ver ≥ 1': `select id from users where id = any($1) and profile_ver < 1`,
  'friendships are symmetric': `
    select f.user_id, f.friend_id from friendships f
     where (f.user_id = any($1) or f.friend_id = any($1))
       and not exists (select 1 from friendships g where g.user_id = f.friend_id and g.friend_id = f.user_id)`,
  'friend_ver ≥ 1': `select user_id from friendships where user_id = any($1) and friend_ver < 1`,
  'direct channels have exactly two members, no owner, never dissolved or renamed': `
    select c.id from channels c where c.channel_type = 1 and c.id = any($2)
       and (c.owner_user_id is not null or c.dissolved_at is not null or c.channel_info_ver <> 1
            or (select count(*) from channel_members m where m.channel_id = c.id) <> 2)`,
  'one direct channel per pair': `
    select least(a.user_id, b.user_id), greatest(a.user_id, b.user_id) from channels c
      join channel_members a on a.channel_id = c.id join channel_members b on b.channel_id = c.id and b.user_id > a.user_id
     where c.channel_type = 1 and c.id = any($2)
     group by 1, 2 having count(*) > 1`,
  'a group’s owner is its one active role-2 member': `
    select c.id from channels c where c.channel_type = 2 and c.id = any($2)
       and (select count(*) from channel_members m where m.channel_id = c.id and m.role = 2 and m.left_at is null
              and m.user_id = c.owner_user_id) <> 1
        or c.id = any($2) and (select count(*) from channel_members m where m.channel_id = c.id and m.role = 2) > 1`,
  'seqs run 1..n in every channel, no gap, no duplicate': `
    select channel_id from messages where channel_id = any($2)
     group by channel_id having min(seq) <> 1 or max(seq) <> count(*) or count(distinct seq) <> count(*)`,
  'senders have a member row in the channel': `
    select m.id from messages m where m.channel_id = any($2)
       and not exists (select 1 from channel_members cm where cm.channel_id = m.channel_id and cm.user_id = m.sender_id)`,
  'read pointers lie in 0..last seq': `
    select r.user_id, r.channel_id from channel_read_records r where r.channel_id = any($2)
       and (r.last_read_seq < 0 or r.last_read_seq > (select coalesce(max(seq), 0) from messages m where m.channel_id = r.channel_id))`,
  'every member has a read record': `
    select m.user_id, m.channel_id from channel_members m where m.channel_id = any($2)
       and not exists (select 1 from channel_read_records r where r.user_id = m.user_id and r.channel_id = m.channel_id)`,
  'versions ≥ 1; dissolved groups moved channel_info_ver': `
    select id from channels where id = any($2) and (channel_info_ver < 1 or (dissolved_at is not null and channel_info_ver < 2))
    union all select channel_id from channel_members where channel_id = any($2) and member_ver < 1`,
  'at most one pending friend application per pair, none between friends': `
    select low, high from (
      select least(applicant_id, target_id) as low, greatest(applicant_id, target_id) as high, count(*) as pending
        from channel_applications where target_type = 1 and status = 0 and applicant_id = any($1) group by 1, 2
    ) p
     where pending > 1 or exists (select 1 from friendships f where f.user_id = p.low and f.friend_id = p.high)`,
  'handled_at is set exactly when an application is handled': `
    select id from channel_applications where applicant_id = any($1) and ((status = 0) <> (handled_at is null))`,
};

async function violations(known: Known): Promise<Record<string, unknown[]>> {
  const userIds = known.users.map((u) => u.id);
  const channelIds = (
    await api.query<{ id: string }>('select distinct channel_id::text as id from channel_members where user_id = any($1::bigint[])', [
      userIds,
    ])
  ).map((r) => r.id);
  const found: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(INVARIANTS)) {
    // $1 = the crowd's user ids, $2 = their channels; numbered by what the query uses.
    const uses = [query.includes('$1') && userIds, query.includes('$2') && channelIds].filter((p) => p !== false);
    const text = query.includes('$1')
      ? query.replace(/\$1/g, '$1::bigint[]').replace(/\$2/g, '$2::bigint[]')
      : query.replace(/\$2/g, '$1::bigint[]');
    const rows = (await api.pool.query(text, uses)).rows;
    if (rows.length > 0) found[name] = rows;
  }
  for (const [key, observed] of known.readPointers) {
    const [userId, channelId] = key.split(':');
    const [row] = await api.query<{ seq: string }>(
      'select last_read_seq::text as seq from channel_read_records where user_id = $1 and channel_id = $2',
      [userId, channelId],
    );
    if (row === undefined || BigInt(row.seq) < observed)
      (found['read pointers never go back'] ??= []).push({ key, observed, now: row?.seq });
  }
  return found;
}

describe('random command sequences keep the contract’s invariants', () => {
  it('holds for concurrent random batches', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(commandArb, { minLength: 1, maxLength: 4 }), { minLength: 15, maxLength: 35 }),
        async (batches) => {
          const known: Known = {
            users: await Promise.all(Array.from({ length: CROWD }, (_, i) => api.createUser(`crowd${i}`))),
            channels: [],
            lastSeq: new Map(),
            messages: [],
            applications: [],
            readPointers: new Map(),
          };
          for (const batch of batches) {
            const replies = await Promise.all(batch.map((command) => run(known, command)));
            for (const [i, reply] of replies.entries()) {
              if (reply === undefined) continue;
              statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
              if (reply.status >= 500) throw new Error(`${JSON.stringify(batch[i])} → ${reply.status} ${JSON.stringify(reply.body)}`);
            }
          }
          expect(await violations(known)).toEqual({});
        },
      ),
      { numRuns: 8 },
    );
    // The sequences did real work, not only refusals.
    const accepted = [200, 201, 204].reduce((sum, s) => sum + (statuses.get(s) ?? 0), 0);
    expect(accepted).toBeGreaterThan(50);
  });
});
