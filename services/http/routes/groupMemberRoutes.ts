import type { FastifyInstance } from 'fastify';
import type { Admission } from '../../commands/membership';
import type { WriteCommands } from '../../commands/writeCommands';
import { MemberRole } from '../../commands/writeModel';
import { authenticate } from '../authentication';
import { idText, sendCommandResult } from '../commandReply';
import { bearerAuth, errorResponses, idParams, idSchema, noContent, objectBody, seqSchema } from '../schemas';

const admissionSchema = {
  type: 'object',
  required: ['channelId', 'userId', 'lastReadSeq'],
  properties: { channelId: idSchema, userId: idSchema, lastReadSeq: seqSchema },
} as const;
const admissionJson = (a: Admission) => ({ channelId: idText(a.channelId), userId: idText(a.userId), lastReadSeq: idText(a.lastReadSeq) });

const ROLE_NAMES = { admin: MemberRole.admin, member: MemberRole.member } as const;
const roleName = (role: number) => (role === MemberRole.owner ? 'owner' : role === MemberRole.admin ? 'admin' : 'member');

/** Who is in a group: joining, adding, removing, roles, leaving. */
export function groupMemberRoutes(app: FastifyInstance, { commands }: { commands: WriteCommands }) {
  const command = { onRequest: authenticate };
  const groupParams = idParams('channelId');
  const memberParams = idParams('channelId', 'userId');

  app.post<{ Params: { channelId: string } }>(
    '/groups/:channelId/join',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Join a group (or rejoin after leaving); your read pointer starts at its last seq',
        security: bearerAuth,
        params: groupParams,
        response: { 200: admissionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await commands.joinGroup({ actorId: request.actorId, channelId: BigInt(request.params.channelId) });
      return sendCommandResult(reply, result, 200, admissionJson);
    },
  );

  app.post<{ Params: { channelId: string }; Body: { userId: string } }>(
    '/groups/:channelId/members',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Add a user to a group you are a member of',
        security: bearerAuth,
        params: groupParams,
        body: objectBody({ userId: idSchema }, ['userId']),
        response: { 201: admissionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await commands.addMember({
        actorId: request.actorId,
        channelId: BigInt(request.params.channelId),
        userId: BigInt(request.body.userId),
      });
      return sendCommandResult(reply, result, 201, admissionJson);
    },
  );

  app.delete<{ Params: { channelId: string; userId: string } }>(
    '/groups/:channelId/members/:userId',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Remove a member (owner: anyone but the owner; admin: plain members); sets left_at',
        security: bearerAuth,
        params: memberParams,
        response: noContent,
      },
    },
    async (request, reply) => {
      const result = await commands.removeMember({
        actorId: request.actorId,
        channelId: BigInt(request.params.channelId),
        userId: BigInt(request.params.userId),
      });
      return sendCommandResult(reply, result, 204, () => undefined);
    },
  );

  app.put<{ Params: { channelId: string; userId: string }; Body: { role: keyof typeof ROLE_NAMES } }>(
    '/groups/:channelId/members/:userId/role',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Make a member an admin or a plain member again (owner only)',
        security: bearerAuth,
        params: memberParams,
        body: objectBody({ role: { type: 'string', enum: Object.keys(ROLE_NAMES) } }, ['role']),
        response: {
          200: {
            type: 'object',
            required: ['userId', 'role', 'memberVer'],
            properties: { userId: idSchema, role: { type: 'string' }, memberVer: { type: 'integer' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await commands.setMemberRole({
        actorId: request.actorId,
        channelId: BigInt(request.params.channelId),
        userId: BigInt(request.params.userId),
        role: ROLE_NAMES[request.body.role],
      });
      return sendCommandResult(reply, result, 200, (m) => ({ userId: idText(m.userId), role: roleName(m.role), memberVer: m.memberVer }));
    },
  );

  app.post<{ Params: { channelId: string } }>(
    '/groups/:channelId/leave',
    {
      ...command,
      schema: {
        tags: ['groups'],
        summary: 'Leave a group (not the owner); sets left_at',
        security: bearerAuth,
        params: groupParams,
        response: noContent,
      },
    },
    async (request, reply) => {
      const result = await commands.leaveGroup({ actorId: request.actorId, channelId: BigInt(request.params.channelId) });
      return sendCommandResult(reply, result, 204, () => undefined);
    },
  );
}
