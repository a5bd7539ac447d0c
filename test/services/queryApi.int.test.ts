import {
  createQueryApiHarness,
  type ConversationFixture,
  type ContactFixture,
  type FixtureUser,
  type QueryApiHarness,
} from './queryApiHarness';

/**
 * The query API against the stack's im_read, with fixture rows written straight into the read
 * models for fresh users (no projector involved), read back over HTTP.
 */

let api: QueryApiHarness;
beforeAll(async () => {
  api = await createQueryApiHarness();
});
afterAll(() => api?.close());

/** The contract's list order, written independently of the SQL: pinned, time desc nulls last, channel desc. */
function listOrder(a: ConversationFixture, b: ConversationFixture): number {
  if (a.is_pinned !== b.is_pinned) return a.is_pinned ? -1 : 1;
  if (a.last_message_time !== b.last_message_time) {
    if (a.last_message_time === null) return 1;
    if (b.last_message_time === null) return -1;
    // Same fixed ISO form everywhere, so text order is time order.
    return a.last_message_time < b.last_message_time ? 1 : -1;
  }
  const [x, y] = [BigInt(a.channel_id), BigInt(b.channel_id)];
  return x === y ? 0 : x > y ? -1 : 1;
}

const listed = (row: ConversationFixture) => row.closed_at === null && !row.is_hidden;

/** What the API must answer for a row: every contract column, camelCased. */
const conversationJson = (row: ConversationFixture) => ({
  userId: row.user_id,
  channelId: row.channel_id,
  conversationType: row.conversation_type,
  peerUserId: row.peer_user_id,
  peerNickname: row.peer_nickname,
  peerAvatar: row.peer_avatar,
  remarkName: row.remark_name,
  conversationName: row.conversation_name,
  conversationAvatar: row.conversation_avatar,
  lastMessageId: row.last_message_id,
  lastMessageSeq: row.last_message_seq,
  lastMessageType: row.last_message_type,
  lastMessageContent: row.last_message_content,
  lastMessageSenderId: row.last_message_sender_id,
  lastMessageSenderName: row.last_message_sender_name,
  lastMessageTime: row.last_message_time,
  unreadCount: row.unread_count,
  isPinned: row.is_pinned,
  isMuted: row.is_muted,
  isHidden: row.is_hidden,
  closedAt: row.closed_at,
});

const at = (second: number, micros = 0) =>
  `2024-05-01T${String(10 + Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.${String(micros).padStart(6, '0')}Z`;

/**
 * 120 listed rows across all four runs of the order (pinned/unpinned × with/without a time),
 * with equal times (the channel decides), times a microsecond apart, the largest int64 channel
 * id, and 18 hidden or closed rows mixed in that the list must skip.
 */
function listFixture(user: FixtureUser): ConversationFixture[] {
  const rows: ConversationFixture[] = [];
  const add = (fields: Partial<ConversationFixture>) => rows.push(api.conversation(user, fields));
  for (let i = 0; i < 25; i += 1)
    add({ is_pinned: true, last_message_time: at(Math.floor(i / 3)), last_message_id: `${1000 + i}`, last_message_seq: `${i + 1}` });
  for (let i = 0; i < 10; i += 1) add({ is_pinned: true });
  for (let i = 0; i < 65; i += 1) add({ last_message_time: at(100 + Math.floor(i / 4), i % 2), unread_count: i });
  for (let i = 0; i < 19; i += 1) add({});
  add({ channel_id: '9223372036854775807' });
  for (let i = 0; i < 18; i += 1) {
    add({
      is_pinned: i % 2 === 0,
      is_hidden: i % 3 !== 0,
      closed_at: i % 3 === 2 ? null : at(500 + i),
      last_message_time: i % 4 === 0 ? null : at(i * 7),
    });
  }
  return rows;
}

async function readAllPages(path: string, token: string, limit: number, key: 'conversations' | 'contacts') {
  const pages: any[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const reply = await api.get(`${path}${query}`, token);
    expect(reply.status).toBe(200);
    pages.push(reply.body[key]);
    cursor = reply.body.nextCursor;
  } while (cursor !== null && pages.length <= 1000);
  return pages;
}

describe('GET /me/conversations', () => {
  let ann: FixtureUser;
  let rows: ConversationFixture[];
  let expected: ConversationFixture[];

  beforeAll(async () => {
    ann = api.newUser();
    rows = listFixture(ann);
    await api.insertConversations(rows);
    expected = rows.filter(listed).sort(listOrder);
  });

  it('lists the open, visible rows in the contract order with every column, ids and times exact', async () => {
    expect(expected).toHaveLength(120);
    const reply = await api.get('/me/conversations?limit=200', ann.token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ conversations: expected.map(conversationJson), nextCursor: null });

    const listedIds: string[] = reply.body.conversations.map((c: { channelId: string }) => c.channelId);
    // Pinned first, nulls last within each pinned group: spot the run boundaries.
    const runOf = (c: any) => `${c.isPinned ? 'pinned' : 'unpinned'}/${c.lastMessageTime === null ? 'none' : 'time'}`;
    const runs = reply.body.conversations.map(runOf).filter((run: string, i: number, all: string[]) => run !== all[i - 1]);
    expect(runs).toEqual(['pinned/time', 'pinned/none', 'unpinned/time', 'unpinned/none']);
    expect(listedIds).toContain('9223372036854775807');
    expect(listedIds.every((id) => BigInt(id) > 2n ** 53n)).toBe(true);
    expect(reply.body.conversations.every((c: any) => c.userId === ann.id)).toBe(true);
    for (const hiddenOrClosed of rows.filter((row) => !listed(row))) expect(listedIds).not.toContain(hiddenOrClosed.channel_id);
  });

  it('defaults to 50 rows per page', async () => {
    const reply = await api.get('/me/conversations', ann.token);
    expect(reply.body.conversations.map((c: any) => c.channelId)).toEqual(expected.slice(0, 50).map((r) => r.channel_id));
    expect(typeof reply.body.nextCursor).toBe('string');
  });

  it('pages through 120 rows with limit 50: 50, 50, 20, every row exactly once, in order', async () => {
    const pages = await readAllPages('/me/conversations', ann.token, 50, 'conversations');
    expect(pages.map((page) => page.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual(expected.map(conversationJson));
  });

  it.each([1, 7, 35, 120])('pages exactly with limit %i too, across every run boundary and equal times', async (limit) => {
    const pages = await readAllPages('/me/conversations', ann.token, limit, 'conversations');
    expect(pages.flat().map((c) => c.channelId)).toEqual(expected.map((r) => r.channel_id));
    expect(pages).toHaveLength(Math.ceil(120 / limit));
  });

  it('shows an empty list, with no cursor, to a user without conversations', async () => {
    expect(await api.get('/me/conversations', api.newUser().token)).toEqual({ status: 200, body: { conversations: [], nextCursor: null } });
  });

  it.each([
    ['limit=0', 'invalid_limit'],
    ['limit=201', 'invalid_limit'],
    ['limit=ten', 'invalid_limit'],
    ['limit=-1', 'invalid_limit'],
    ['cursor=not-a-cursor', 'invalid_cursor'],
    [`cursor=${Buffer.from(JSON.stringify(['c1', 1, '2024-13-01T00:00:00.000000Z', '5'])).toString('base64url')}`, 'invalid_cursor'],
    [`cursor=${Buffer.from(JSON.stringify(['k1', 'Ann', '5'])).toString('base64url')}`, 'invalid_cursor'],
    ['page=2', 'invalid_request'],
  ])('refuses ?%s with 400 %s', async (query, error) => {
    const reply = await api.get(`/me/conversations?${query}`, ann.token);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error, message: expect.any(String) });
  });
});

describe('GET /me/conversations/{channelId}', () => {
  it('reads one of your rows, hidden and closed ones too; 404 for a channel you have no row in', async () => {
    const cid = api.newUser();
    const [open, hidden, closed] = [
      api.conversation(cid, {
        conversation_type: 1,
        peer_user_id: api.newUser().id,
        peer_nickname: 'Dee',
        conversation_name: 'Dee',
        last_message_time: at(1, 999999),
        last_message_sender_id: cid.id,
      }),
      api.conversation(cid, { is_hidden: true }),
      api.conversation(cid, { closed_at: at(9, 1) }),
    ];
    await api.insertConversations([open, hidden, closed]);
    for (const row of [open, hidden, closed]) {
      expect(await api.get(`/me/conversations/${row.channel_id}`, cid.token)).toEqual({ status: 200, body: conversationJson(row) });
    }
    const unknown = await api.get(`/me/conversations/${BigInt(open.channel_id) + 1n}`, cid.token);
    expect(unknown).toEqual({ status: 404, body: { error: 'conversation_not_found', message: expect.any(String) } });
    expect((await api.get('/me/conversations/abc', cid.token)).status).toBe(400);
  });
});

describe('one user cannot see another user’s rows', () => {
  it('neither in the list nor by channel id, even in a channel both are in', async () => {
    const [eve, fay] = [api.newUser(), api.newUser()];
    const shared = api.conversation(eve, { last_message_time: at(3) });
    const eveOnly = api.conversation(eve, { last_message_time: at(4) });
    const fayInShared = api.conversation(fay, { channel_id: shared.channel_id, is_pinned: true, unread_count: 3 });
    await api.insertConversations([shared, eveOnly, fayInShared]);

    const fayList = await api.get('/me/conversations', fay.token);
    expect(fayList.body).toEqual({ conversations: [conversationJson(fayInShared)], nextCursor: null });
    expect(await api.get(`/me/conversations/${shared.channel_id}`, fay.token)).toEqual({
      status: 200,
      body: conversationJson(fayInShared),
    });
    expect((await api.get(`/me/conversations/${eveOnly.channel_id}`, fay.token)).status).toBe(404);
    const eveList = await api.get('/me/conversations', eve.token);
    expect(eveList.body.conversations.map((c: any) => [c.userId, c.channelId])).toEqual([
      [eve.id, eveOnly.channel_id],
      [eve.id, shared.channel_id],
    ]);
  });
});

describe('GET /me/contacts', () => {
  it('pages through the contacts by display name, then contact id, every one exactly once', async () => {
    const gus = api.newUser();
    const names = ['mia', 'ann', 'bob', 'ann', 'Zed', 'émile', '', 'bob', 'zoe', 'ann b', 'Ann'];
    const contacts: ContactFixture[] = Array.from({ length: 25 }, (_, i) => {
      const name = names[i % names.length]!;
      return api.contact(gus, { nickname: name, display_name: name, direct_channel_id: i % 3 === 0 ? null : `${2n ** 61n + BigInt(i)}` });
    });
    await api.insertContacts(contacts);
    // The database's own order is the reference: names compare in its collation.
    const reference = await api.fixtures.query<{ contact_user_id: string }>(
      'select contact_user_id::text from user_contact_view where user_id = $1 order by display_name, contact_user_id',
      [gus.id],
    );

    const pages = await readAllPages('/me/contacts', gus.token, 4, 'contacts');
    expect(pages.map((page) => page.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    const listed = pages.flat();
    expect(listed.map((c) => c.contactUserId)).toEqual(reference.rows.map((r) => r.contact_user_id));
    const first = contacts.find((c) => c.contact_user_id === listed[0].contactUserId)!;
    expect(listed[0]).toEqual({
      userId: gus.id,
      contactUserId: first.contact_user_id,
      remarkName: '',
      nickname: first.nickname,
      avatar: '',
      displayName: first.display_name,
      directChannelId: first.direct_channel_id,
      friendsSince: '2024-01-01T00:00:00.000000Z',
    });

    const someoneElse = await api.get('/me/contacts', api.newUser().token);
    expect(someoneElse.body).toEqual({ contacts: [], nextCursor: null });
    const conversationCursor = Buffer.from(JSON.stringify(['c1', 0, null, '5'])).toString('base64url');
    expect((await api.get(`/me/contacts?cursor=${conversationCursor}`, gus.token)).body.error).toBe('invalid_cursor');
    expect((await api.get('/me/contacts?limit=500', gus.token)).body.error).toBe('invalid_limit');
  });
});

describe('identity and the read models', () => {
  it.each(['/me/conversations', '/me/conversations/5', '/me/contacts'])(
    'GET %s without a token is 401, with a forged one too',
    async (path) => {
      expect(await api.get(path)).toEqual({ status: 401, body: { error: 'missing_token', message: expect.any(String) } });
      const forged = `${api.newUser().token.slice(0, -4)}AAAA`;
      expect((await api.get(path, forged)).body.error).toBe('invalid_token');
    },
  );

  it('cannot write to im_read: the query pool is read-only', async () => {
    await expect(api.pool.query('delete from user_conversation_view where user_id = 1')).rejects.toMatchObject({ code: '25006' });
  });

  it('describes the query routes in the OpenAPI document', async () => {
    const { body } = await api.get('/openapi.json');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/me/conversations', '/me/conversations/{channelId}', '/me/contacts']));
    expect(body.paths['/me/conversations'].get.parameters.map((p: any) => p.name).sort()).toEqual(['cursor', 'limit']);
  });
});
