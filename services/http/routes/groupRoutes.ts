import type { FastifyInstance } from 'fastify';
import type { GroupInfo } from '../../commands/groups';
import type { WriteCommands } from '../../commands/writeCommands';
import { authenticate } from '../authentication';
import { idText, sendCommandResult, timeText } from '../commandReply';
import { avatarSchema, bearerAuth, errorResponses, idParams, idSchema, nameSchema, objectBody } from '../schemas';

const groupSchema = {
  type: 'object',
  required: ['channelId', 'name', 'avatar', 'channelInfoVer', 'dissolvedAt'],
  properties: {
    channelId: idSchema,
    name: { type: 'string' },
    avatar: { type: 'string' },
    channelInfoVer: { type: 'integer' },
    memberCount: { type: 'integer' },
    dissolvedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const groupJson = (g: GroupInfo & { memberCount?: number }) => ({
  channelId: idText(g.channelId),
  name: g.name,
  avatar: g.avatar,
  channelInfoVer: g.channelInfoVer,
  ...(g.memberCount === undefined ? {} : { memberCount: g.memberCount }),
  dissolvedAt: timeText(g.dissolvedAt),
});

/** Creating, renaming and dissolving groups; who is in them is groupMemberRoutes. */
export function groupRoutes(app: FastifyInstance, { commands }: { commands: WriteCommands }) {
  const command = { onRequest: authenticate };
  const groupParams = idParams('channelId');

  app.post<{ Body: { name: string; avatar?: string; memberIds?: string[] } }>(
    '/groups',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Create a group; you become its owner, the listed users its members',
        security: bearerAuth,
        body: objectBody(
          { name: nameSchema(64), avatar: avatarSchema, memberIds: { type: 'array', items: idSchema, maxItems: 500, uniqueItems: true } },
          ['name'],
        ),
        response: { 201: groupSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name, avatar = '', memberIds = [] } = request.body;
      const result = await commands.createGroup({ actorId: request.actorId, name, avatar, memberIds: memberIds.map(BigInt) });
      return sendCommandResult(reply, result, 201, groupJson);
    },
  );

  app.patch<{ Params: { channelId: string }; Body: { name?: string; avatar?: string } }>(
    '/groups/:channelId',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Rename a group and/or change its avatar (owner or admin; channel_info_ver + 1 on change)',
        security: bearerAuth,
        params: groupParams,
        body: objectBody({ name: nameSchema(64), avatar: avatarSchema }, [], 1),
        response: { 200: groupSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name, avatar } = request.body;
      const result = await commands.changeGroupInfo({
        actorId: request.actorId,
        channelId: BigInt(request.params.channelId),
        ...(name === undefined ? {} : { name }),
        ...(avatar === undefined ? {} : { avatar }),
      });
      return sendCommandResult(reply, result, 200, groupJson);
    },
  );

  app.post<{ Params: { channelId: string } }>(
    '/groups/:channelId/dissolve',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Dissolve a group (owner only); sets dissolved_at, channel_info_ver + 1',
        security: bearerAuth,
        params: groupParams,
        response: { 200: groupSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await commands.dissolveGroup({ actorId: request.actorId, channelId: BigInt(request.params.channelId) });
      return sendCommandResult(reply, result, 200, groupJson);
    },
  );
}
