import type { FastifyInstance } from 'fastify';
import type { WriteCommands } from '../../commands/writeCommands';
import type { UserProfile } from '../../commands/users';
import { authenticate, signUserToken } from '../authentication';
import { idText, sendCommandResult } from '../commandReply';
import { avatarSchema, bearerAuth, errorResponses, idParams, idSchema, nameSchema, objectBody } from '../schemas';

const userSchema = {
  type: 'object',
  required: ['id', 'nickname', 'avatar', 'profileVer'],
  properties: { id: idSchema, nickname: { type: 'string' }, avatar: { type: 'string' }, profileVer: { type: 'integer' } },
} as const;

const userJson = (user: UserProfile) => ({
  id: idText(user.id),
  nickname: user.nickname,
  avatar: user.avatar,
  profileVer: user.profileVer,
});

export function userRoutes(app: FastifyInstance, { commands }: { commands: WriteCommands }) {
  // Sign-up is open (no token): it is how a user comes to exist, and the answer carries the
  // new user's first token. Everything else acts as the token's subject.
  app.post<{ Body: { nickname: string; avatar?: string } }>(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (sign-up, no token needed); returns the user and a token for it',
        body: objectBody({ nickname: nameSchema(64), avatar: avatarSchema }, ['nickname']),
        response: {
          201: { type: 'object', required: ['user', 'token'], properties: { user: userSchema, token: { type: 'string' } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await commands.createUser({ nickname: request.body.nickname, avatar: request.body.avatar ?? '' });
      return sendCommandResult(reply, result, 201, (user) => ({ user: userJson(user), token: signUserToken(app, user.id) }));
    },
  );

  app.patch<{ Params: { userId: string }; Body: { nickname?: string; avatar?: string } }>(
    '/users/:userId',
    {
      onRequest: authenticate,
      schema: {
        tags: ['users'],
        summary: 'Change your nickname and/or avatar (profile_ver + 1 when something changes)',
        security: bearerAuth,
        params: idParams('userId'),
        body: objectBody({ nickname: nameSchema(64), avatar: avatarSchema }, [], 1),
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { nickname, avatar } = request.body;
      const result = await commands.changeProfile({
        actorId: request.actorId,
        userId: BigInt(request.params.userId),
        ...(nickname === undefined ? {} : { nickname }),
        ...(avatar === undefined ? {} : { avatar }),
      });
      return sendCommandResult(reply, result, 200, userJson);
    },
  );
}
