import type { FastifyInstance } from 'fastify';
import type { ConversationQueries } from '../../queries/conversationQueries';
import { decodeConversationCursor } from '../../queries/pageCursor';
import { parsePageRequest } from '../../queries/pageRequest';
import { authenticate } from '../authentication';
import { bearerAuth, errorResponses, idParams, idSchema, pageQuerystring } from '../schemas';

const nullableId = { type: ['string', 'null'], pattern: idSchema.pattern, description: 'int64 id as a decimal string, or null' } as const;
const nullableTime = (description: string) =>
  ({ type: ['string', 'null'], format: 'date-time', description: `${description}; ISO-8601 UTC with microseconds` }) as const;

/** Every contract column of user_conversation_view, camelCased. */
const conversationSchema = {
  type: 'object',
  required: [
    'userId', 'channelId', 'conversationType', 'peerUserId', 'peerNickname', 'peerAvatar', 'remarkName', 'conversationName',
    'conversationAvatar', 'lastMessageId', 'lastMessageSeq', 'lastMessageType', 'lastMessageContent', 'lastMessageSenderId',
    'lastMessageSenderName', 'lastMessageTime', 'unreadCount', 'isPinned', 'isMuted', 'isHidden', 'closedAt',
  ],
  properties: {
    userId: { ...idSchema, description: 'the owner: the token’s user' },
    channelId: idSchema,
    conversationType: { type: 'integer', enum: [1, 2], description: '1 direct, 2 group' },
    peerUserId: { ...nullableId, description: 'direct: the other member; group: null' },
    peerNickname: { type: 'string' },
    peerAvatar: { type: 'string' },
    remarkName: { type: 'string', description: 'direct: your remark for the peer, or empty' },
    conversationName: { type: 'string', description: 'direct: remark, else the peer’s nickname; group: its name' },
    conversationAvatar: { type: 'string' },
    lastMessageId: nullableId,
    lastMessageSeq: { type: 'string', pattern: '^(0|[1-9][0-9]{0,18})$', description: 'seq of the last message, 0 when none' },
    lastMessageType: { type: ['integer', 'null'] },
    lastMessageContent: { type: 'string', description: 'empty when recalled or none' },
    lastMessageSenderId: nullableId,
    lastMessageSenderName: { type: 'string', description: 'the sender’s current nickname' },
    lastMessageTime: nullableTime('when the last message was sent, null when none'),
    unreadCount: { type: 'integer', minimum: 0 },
    isPinned: { type: 'boolean' },
    isMuted: { type: 'boolean' },
    isHidden: { type: 'boolean' },
    closedAt: nullableTime('when you left or the group was dissolved; null while open'),
  },
} as const;

/** The query API's conversation reads: the conversation list and one conversation, only the token user's. */
export function conversationRoutes(app: FastifyInstance, { conversations }: { conversations: ConversationQueries }) {
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/me/conversations',
    {
      onRequest: authenticate,
      schema: {
        tags: ['conversations'],
        summary: 'Your conversation list: open, not hidden; pinned first, then latest message first (none last), then channel id descending',
        description:
          'Keyset paging: pass the nextCursor of a page as cursor to get the next one; nextCursor is null on the last page. ' +
          'Rows that move between requests (a new message, a pin) may show on two pages or on none; reload from the top to see them in place.',
        security: bearerAuth,
        querystring: pageQuerystring,
        response: {
          200: {
            type: 'object',
            required: ['conversations', 'nextCursor'],
            properties: { conversations: { type: 'array', items: conversationSchema }, nextCursor: { type: ['string', 'null'] } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const page = parsePageRequest(request.query, decodeConversationCursor);
      if (!page.ok) return reply.code(400).send({ error: page.error, message: page.message });
      return conversations.page(request.actorId, page.after, page.limit);
    },
  );

  app.get<{ Params: { channelId: string } }>(
    '/me/conversations/:channelId',
    {
      onRequest: authenticate,
      schema: {
        tags: ['conversations'],
        summary: 'One of your conversations, also when hidden or closed',
        security: bearerAuth,
        params: idParams('channelId'),
        response: { 200: conversationSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const conversation = await conversations.one(request.actorId, BigInt(request.params.channelId));
      if (conversation === undefined) {
        return reply.code(404).send({ error: 'conversation_not_found', message: `you have no conversation in channel ${request.params.channelId}` });
      }
      return conversation;
    },
  );
}
