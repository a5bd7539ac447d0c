import pino from 'pino';
import { readPool } from '../../projector/db/readPool';
import { verifyViews } from '../../projector/verify/verifyViews';
import { writeApiHarness, type TestUser, type WriteApiHarness } from '../services/writeApiHarness';
import { startProjectorProcess } from '../support/projectorProcess';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';

/**
 * The whole pipeline, as a product uses it: every write command through the HTTP API, Debezium,
 * Kafka, the projector as its own process; then verify says the views equal the contract and
 * the conversation list reads the way a user would expect.
 */

const env = stackEnv();
const group = uniqueName('scenario');
const read = readPool(env.readDatabaseUrl);
let api: WriteApiHarness;
let projector: ReturnType<typeof startProjectorProcess>;
const users: TestUser[] = [];

interface ListRow {
  channel_id: bigint;
  conversation_type: number;
  conversation_name: string;
  peer_user_id: bigint | null;
  remark_name: string;
  last_message_content: string;
  last_message_sender_name: string;
  unread_count: number;
  is_pinned: boolean;
}

/** The contract's conversation list query, as the query API runs it. */
async function conversationList(user: TestUser): Promise<ListRow[]> {
  const { rows } = await read.query<ListRow>(
    `select channel_id, conversation_type, conversation_name, peer_user_id, remark_name, last_message_content,
            last_message_sender_name, unread_count, is_pinned
       from user_conversation_view where user_id = $1 and closed_at is null and not is_hidden
      order by is_pinned desc, last_message_time desc nulls last, channel_id desc`,
    [user.id],
  );
  return rows;
}

async function ok<T = any>(reply: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await reply;
  if (status >= 300) throw new Error(`expected success, got ${status} ${JSON.stringify(body)}`);
  return body;
}

beforeAll(async () => {
  api = await writeApiHarness();
  projector = startProjectorProcess({ READ_DATABASE_URL: env.readDatabaseUrl, KAFKA_BROKERS: env.kafkaBrokers.join(','), PROJECTOR_GROUP_ID: group });
});

afterAll(async () => {
  projector.child.kill('SIGTERM');
  await projector.exited;
  await api.close();
  await read.end();
});

describe('the pipeline end to end', () => {
  it('every command, projected: views equal the contract and the list reads right', async () => {
    const [ann, bob, cid, dan, eve] = await Promise.all(['ann', 'bob', 'cid', 'dan', 'eve'].map((n) => api.createUser(n)));
    users.push(ann!, bob!, cid!, dan!, eve!);
    const as = api.as;

    // Profile, friendships (accept and reject), remarks.
    await ok(as(ann!).patch(`/users/${ann!.id}`, { avatar: 'ann.png' }));
    await api.befriend(ann!, bob!);
    await api.befriend(ann!, cid!);
    await api.befriend(bob!, cid!);
    const application = await ok(as(dan!).post('/friend-applications', { targetUserId: ann!.id }));
    await ok(as(ann!).post(`/friend-applications/${application.applicationId}/reject`));
    await ok(as(ann!).put(`/friends/${bob!.id}/remark`, { remarkName: 'Bobby' }));
    await ok(as(ann!).put(`/friends/${cid!.id}/remark`, { remarkName: 'C' }));
    await ok(as(ann!).put(`/friends/${cid!.id}/remark`, { remarkName: '' }));

    // Direct chats: messages both ways, a recall of the last one, a read pointer.
    const annBob = (await ok(as(ann!).post('/direct-channels', { peerUserId: bob!.id }))).channelId as string;
    await ok(as(ann!).post(`/channels/${annBob}/messages`, { content: 'hi bob' }));
    await ok(as(bob!).post(`/channels/${annBob}/messages`, { content: 'hi ann' }));
    const oops = await ok(as(bob!).post(`/channels/${annBob}/messages`, { content: 'oops' }));
    await ok(as(bob!).post(`/channels/${annBob}/messages/${oops.messageId}/recall`));
    const annCid = (await ok(as(cid!).post('/direct-channels', { peerUserId: ann!.id }))).channelId as string;
    await ok(as(cid!).post(`/channels/${annCid}/messages`, { content: 'see you' }));
    await ok(as(ann!).put(`/channels/${annCid}/read`, { seq: '1' }));

    // A group: rename, avatar, join, add, remove, leave and rejoin, settings.
    const team = (await ok(as(ann!).post('/groups', { name: 'team', memberIds: [bob!.id, cid!.id] }))).channelId as string;
    await ok(as(ann!).patch(`/groups/${team}`, { name: 'the team', avatar: 'team.png' }));
    await ok(as(dan!).post(`/groups/${team}/join`));
    await ok(as(ann!).post(`/groups/${team}/members`, { userId: eve!.id }));
    await ok(as(ann!).delete(`/groups/${team}/members/${eve!.id}`));
    await ok(as(bob!).post(`/groups/${team}/leave`));
    await ok(as(bob!).post(`/groups/${team}/join`));
    for (let i = 1; i <= 5; i += 1) await ok(as(i % 2 === 0 ? dan! : bob!).post(`/channels/${team}/messages`, { content: `team ${i}` }));
    await ok(as(ann!).put(`/channels/${team}/read`, { seq: '2' }));
    await ok(as(ann!).patch(`/channels/${team}/settings`, { pinned: true, muted: true }));
    await ok(as(cid!).post(`/groups/${team}/leave`));

    // A dissolved group, a hidden conversation, an unfriend, and a rename of a last sender.
    const temp = (await ok(as(ann!).post('/groups', { name: 'temp', memberIds: [dan!.id] }))).channelId as string;
    await ok(as(dan!).post(`/channels/${temp}/messages`, { content: 'bye' }));
    await ok(as(ann!).post(`/groups/${temp}/dissolve`));
    await ok(as(ann!).patch(`/channels/${annCid}/settings`, { hidden: true }));
    await ok(as(ann!).delete(`/friends/${cid!.id}`));
    await ok(as(bob!).patch(`/users/${bob!.id}`, { nickname: 'Robert' }));

    await waitUntilCaptured(api.pool);
    await waitUntilCaughtUp(read, env.kafkaBrokers, group);

    const result = await verifyViews({ writePool: api.pool, readPool: read, logger: pino({ level: 'warn' }), owners: users.map((u) => u.id) });
    expect(result.views.filter((v) => v.missing + v.unexpected + v.differing > 0)).toEqual([]);
    expect(result.views.find((v) => v.view === 'user_conversation_view')?.expectedRows).toBeGreaterThanOrEqual(10);

    // What ann sees: the pinned group first, then the chat with bob; the hidden chat with cid
    // and the dissolved group are not listed.
    const list = await conversationList(ann!);
    expect(list.map((r) => String(r.channel_id))).toEqual([team, annBob]);
    expect(list[0]).toMatchObject({ conversation_name: 'the team', is_pinned: true, unread_count: 3, last_message_content: 'team 5', last_message_sender_name: 'Robert' });
    // Remark wins over the (new) nickname; bob's recalled message shows as empty and is not unread.
    expect(list[1]).toMatchObject({ conversation_type: 1, conversation_name: 'Bobby', remark_name: 'Bobby', last_message_content: '', unread_count: 1, last_message_sender_name: 'Robert' });
    expect(String(list[1]?.peer_user_id)).toBe(bob!.id);

    // Contacts: ann's only friend is now bob (cid was unfriended, both rows); bob still has both.
    const contacts = await read.query('select contact_user_id::text, display_name, direct_channel_id::text from user_contact_view where user_id = $1', [ann!.id]);
    expect(contacts.rows).toEqual([{ contact_user_id: bob!.id, display_name: 'Bobby', direct_channel_id: annBob }]);
    const bobsContacts = await read.query('select contact_user_id::text, nickname, display_name from user_contact_view where user_id = $1 order by 1', [bob!.id]);
    expect(bobsContacts.rows).toEqual(
      [
        { contact_user_id: ann!.id, nickname: 'ann', display_name: 'ann' },
        { contact_user_id: cid!.id, nickname: 'cid', display_name: 'cid' },
      ].sort((x, y) => (BigInt(x.contact_user_id) < BigInt(y.contact_user_id) ? -1 : 1)),
    );
  });
});
