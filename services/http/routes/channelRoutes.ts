import type { FastifyInstance } from 'fastify';
import type { WriteCommands } from '../../commands/writeCommands';
import { authenticate } from '../authentication';
import { idText, sendCommandResult } from '../commandReply';
import { bearerAuth, errorResponses, idParams, idSchema, objectBody, seqSchema, textSchema } from '../schemas';

/** Commands on any channel, direct or group: opening a direct one, messages, reading, own settings. */
export function channelRoutes(app: FastifyInstance, { commands }: { commands: WriteCommands }) {
  const command = { onRequest: authenticate };
  const channelParams = idParams('channelId');

  app.post<{ Body: { peerUserId: string } }>(
    '/direct-channels',
    {
      ...command,
      schema: {
        tags: ['channels'],
        summary: 'Open the direct channel with a friend: 201 when created, 200 when it already existed',
        security: bearerAuth,
        body: objectBody({ peerUserId: idSchema }, ['peerUserId']),
        response: {
          '2xx': { type: 'object', required: ['channelId', 'created'], properties: { channelId: idSchema, created: { type: 'boolean' } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await commands.openDirectChannel({ actorId: request.actorId, peerUserId: BigInt(request.body.peerUserId) });
      return sendCommandResult(reply, result, result.ok && result.value.created ? 201 : 200, (d) => ({
        channelId: idText(d.channelId),
        created: d.created,
      }));
    },
  );

  app.post<{ Params: { channelId: string }; Body: { content: string; msgType?: number } }>(
    '/channels/:channelId/messages',
    {
      ...command,
      schema: {
        tags: ['messages'],
        summary: 'Send a message; it gets the channel’s next seq',
        security: bearerAuth,
        params: channelParams,
        body: objectBody({ content: textSchema(4000, 1), msgType: { type: 'integer', minimum: 1, maximum: 32767, default: 1 } }, [
          'content',
        ]),
        response: {
          201: {
            type: 'object',
            required: ['messageId', 'channelId', 'seq', 'createdAt'],
            properties: { messageId: idSchema, channelId: idSchema, seq: seqSchema, createdAt: { type: 'string', format: 'date-time' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await commands.sendMessage({
        actorId: request.actorId,
        channelId: BigInt(request.params.channelId),
        msgType: request.body.msgType ?? 1,
        content: request.body.content,
      });
      return sendCommandResult(reply, result, 201, (m) => ({
        messageId: idText(m.messageId),
        channelId: idText(m.channelId),
        seq: idText(m.seq),
        createdAt: m.createdAt.toISOString(),
      }));
    },
  );

  app.post<{ Params: { channelId: string; messageId: string } }>(
    '/channels/:channelId/messages/:messageId/recall',
    {
      ...command,
      schema: {
        tags: ['messages'],
        summary: 'Recall your own message (once); the message stays, with recalled_at set',
        security: bearerAuth,
        params: idParams('channelId', 'messageId'),
        response: {
          200: {
            type: 'object',
            required: ['messageId', 'recalledAt'],
            properties: { messageId: idSchema, recalledAt: { type: 'string', format: 'date-time' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await commands.recallMessage({
        actorId: request.actorId,
        channelId: BigInt(request.params.channelId),
        messageId: BigInt(request.params.messageId),
      });
      return sendCommandResult(reply, result, 200, (r) => ({ messageId: idText(r.messageId), recalledAt: r.recalledAt.toISOString() }));
    },
  );

  app.put<{ Params: { channelId: string }; Body: { seq: string } }>(
    '/channels/:channelId/read',
    {
      ...command,
      schema: {
        tags: ['messages'],
        summary: 'Mark read up to seq: never backwards (then a no-op), never past the last message',
        security: bearerAuth,
        params: channelParams,
        body: objectBody({ seq: seqSchema }, ['seq']),
        response: {
          200: { type: 'object', required: ['channelId', 'lastReadSeq'], properties: { channelId: idSchema, lastReadSeq: seqSchema } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const channelId = BigInt(request.params.channelId);
      const result = await commands.markRead({ actorId: request.actorId, channelId, seq: BigInt(request.body.seq) });
      return sendCommandResult(reply, result, 200, (r) => ({ channelId: idText(channelId), lastReadSeq: idText(r.lastReadSeq) }));
    },
  );

  app.patch<{ Params: { channelId: string }; Body: { pinned?: boolean; muted?: boolean; hidden?: boolean } }>(
    '/channels/:channelId/settings',
    {
      ...command,
      schema: {
        tags: ['channels'],
        summary: 'Pin, mute or hide the conversation for yourself (member_ver + 1 on change)',
        security: bearerAuth,
        params: channelParams,
        body: objectBody({ pinned: { type: 'boolean' }, muted: { type: 'boolean' }, hidden: { type: 'boolean' } }, [], 1),
        response: {
          200: {
            type: 'object',
            required: ['channelId', 'pinned', 'muted', 'hidden', 'memberVer'],
            properties: {
              channelId: idSchema,
              pinned: { type: 'boolean' },
              muted: { type: 'boolean' },
              hidden: { type: 'boolean' },
              memberVer: { type: 'integer' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const channelId = BigInt(request.params.channelId);
      const { pinned, muted, hidden } = request.body;
      const result = await commands.changeConversationSettings({
        actorId: request.actorId,
        channelId,
        ...(pinned === undefined ? {} : { pinned }),
        ...(muted === undefined ? {} : { muted }),
        ...(hidden === undefined ? {} : { hidden }),
      });
      return sendCommandResult(reply, result, 200, (s) => ({ channelId: idText(channelId), ...s }));
    },
  );
}
