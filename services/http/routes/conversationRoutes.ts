import type { FastifyInstance } from 'fastify';
import { userConversationView } from '../../../projector/views/userConversationView';
import type { ConversationQueries } from '../../queries/conversationQueries';
import { decodeConversationCursor } from '../../queries/pageCursor';
import { parsePageRequest } from '../../queries/pageRequest';
import { authenticate } from '../authentication';
import { bearerAuth, errorResponses, idParams, pageQuerystring } from '../schemas';
import { viewRowSchema } from '../viewSchema';

const conversationSchema = viewRowSchema(userConversationView);

/** The query API's conversation reads: the conversation list and one conversation, only the token user's. */
export function conversationRoutes(app: FastifyInstance, { conversations }: { conversations: ConversationQueries }) {
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/me/conversations',
    {
      onRequest: authenticate,
      schema: {
        tags: ['conversations'],
        summary:
          'Your conversation list: open, not hidden; pinned first, then latest message first (none last), then channel id descending',
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
        return reply
          .code(404)
          .send({ error: 'conversation_not_found', message: `you have no conversation in channel ${request.params.channelId}` });
      }
      return conversation;
    },
  );
}
