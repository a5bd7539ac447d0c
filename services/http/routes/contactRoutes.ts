import type { FastifyInstance } from 'fastify';
import { userContactView } from '../../../projector/views/userContactView';
import type { ContactQueries } from '../../queries/contactQueries';
import { decodeContactCursor } from '../../queries/pageCursor';
import { parsePageRequest } from '../../queries/pageRequest';
import { authenticate } from '../authentication';
import { bearerAuth, errorResponses, pageQuerystring } from '../schemas';
import { viewRowSchema } from '../viewSchema';

const contactSchema = viewRowSchema(userContactView);

/** The query API's contact list: only the token user's friends. */
export function contactRoutes(app: FastifyInstance, { contacts }: { contacts: ContactQueries }) {
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/me/contacts',
    {
      onRequest: authenticate,
      schema: {
        tags: ['contacts'],
        summary: 'Your contacts, by display name, then contact user id (names compared in the database collation)',
        description: 'Keyset paging: pass the nextCursor of a page as cursor to get the next one; nextCursor is null on the last page.',
        security: bearerAuth,
        querystring: pageQuerystring,
        response: {
          200: {
            type: 'object',
            required: ['contacts', 'nextCursor'],
            properties: { contacts: { type: 'array', items: contactSchema }, nextCursor: { type: ['string', 'null'] } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const page = parsePageRequest(request.query, decodeContactCursor);
      if (!page.ok) return reply.code(400).send({ error: page.error, message: page.message });
      return contacts.page(request.actorId, page.after, page.limit);
    },
  );
}
