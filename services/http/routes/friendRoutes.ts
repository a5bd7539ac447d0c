import type { FastifyInstance } from 'fastify';
import type { ApplicationOutcome } from '../../commands/friendApplications';
import type { WriteCommands } from '../../commands/writeCommands';
import { ApplicationStatus } from '../../commands/writeModel';
import { authenticate } from '../authentication';
import { idText, sendCommandResult } from '../commandReply';
import { bearerAuth, errorResponses, idParams, idSchema, nameSchema, objectBody, textSchema } from '../schemas';

const STATUS_NAMES = {
  [ApplicationStatus.pending]: 'pending',
  [ApplicationStatus.accepted]: 'accepted',
  [ApplicationStatus.rejected]: 'rejected',
} as const;

const applicationSchema = {
  type: 'object',
  required: ['applicationId', 'applicantId', 'targetUserId', 'status'],
  properties: {
    applicationId: idSchema,
    applicantId: idSchema,
    targetUserId: idSchema,
    status: { type: 'string', enum: Object.values(STATUS_NAMES) },
  },
} as const;

const applicationJson = (a: ApplicationOutcome) => ({
  applicationId: idText(a.applicationId),
  applicantId: idText(a.applicantId),
  targetUserId: idText(a.targetUserId),
  status: STATUS_NAMES[a.status],
});

export function friendRoutes(app: FastifyInstance, { commands }: { commands: WriteCommands }) {
  app.post<{ Body: { targetUserId: string; message?: string } }>(
    '/friend-applications',
    {
      onRequest: authenticate,
      schema: {
        tags: ['friends'],
        summary: 'Ask a user to be your friend (one pending application per pair)',
        security: bearerAuth,
        body: objectBody({ targetUserId: idSchema, message: textSchema(256) }, ['targetUserId']),
        response: { 201: applicationSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await commands.applyForFriendship({
        actorId: request.actorId,
        targetUserId: BigInt(request.body.targetUserId),
        message: request.body.message ?? '',
      });
      return sendCommandResult(reply, result, 201, applicationJson);
    },
  );

  for (const decision of ['accept', 'reject'] as const) {
    app.post<{ Params: { applicationId: string } }>(
      `/friend-applications/:applicationId/${decision}`,
      {
        onRequest: authenticate,
        schema: {
          tags: ['friends'],
          summary:
            decision === 'accept'
              ? 'Accept a friend application addressed to you (creates both friendship rows)'
              : 'Reject a friend application addressed to you',
          security: bearerAuth,
          params: idParams('applicationId'),
          response: { 200: applicationSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const input = { actorId: request.actorId, applicationId: BigInt(request.params.applicationId) };
        const result =
          decision === 'accept' ? await commands.acceptFriendApplication(input) : await commands.rejectFriendApplication(input);
        return sendCommandResult(reply, result, 200, applicationJson);
      },
    );
  }

  app.put<{ Params: { friendId: string }; Body: { remarkName: string } }>(
    '/friends/:friendId/remark',
    {
      onRequest: authenticate,
      schema: {
        tags: ['friends'],
        summary: 'Set your remark name for a friend; an empty string clears it (friend_ver + 1 on change)',
        security: bearerAuth,
        params: idParams('friendId'),
        body: objectBody({ remarkName: nameSchema(64, 0) }, ['remarkName']),
        response: {
          200: {
            type: 'object',
            required: ['friendId', 'remarkName', 'friendVer'],
            properties: { friendId: idSchema, remarkName: { type: 'string' }, friendVer: { type: 'integer' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await commands.setRemark({
        actorId: request.actorId,
        friendId: BigInt(request.params.friendId),
        remarkName: request.body.remarkName,
      });
      return sendCommandResult(reply, result, 200, (r) => ({
        friendId: idText(r.friendId),
        remarkName: r.remarkName,
        friendVer: r.friendVer,
      }));
    },
  );

  app.delete<{ Params: { friendId: string } }>(
    '/friends/:friendId',
    {
      onRequest: authenticate,
      schema: {
        tags: ['friends'],
        summary: 'Unfriend: deletes both friendship rows',
        security: bearerAuth,
        params: idParams('friendId'),
        response: { 204: { type: 'null', description: 'unfriended' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await commands.unfriend({ actorId: request.actorId, friendId: BigInt(request.params.friendId) });
      return sendCommandResult(reply, result, 204, () => undefined);
    },
  );
}
