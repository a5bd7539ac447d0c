import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { databaseErrorKind, sqlState } from '../../infra/db/databaseErrors';
import { inWriteTransaction } from '../db/writeTransaction';
import type { IdGenerator } from '../ids/idGenerator';
import type { Command } from './commandContext';
import type { CommandResult } from './commandResult';
import { changeConversationSettings } from './conversationSettings';
import { openDirectChannel } from './directChannels';
import { acceptFriendApplication, applyForFriendship, rejectFriendApplication } from './friendApplications';
import { setRemark, unfriend } from './friendships';
import { changeGroupInfo, createGroup, dissolveGroup, setMemberRole } from './groups';
import { addMember, joinGroup, leaveGroup, removeMember } from './membership';
import { recallMessage, sendMessage } from './messages';
import { markRead } from './readRecords';
import { changeProfile, createUser } from './users';

/**
 * Conflicts (deadlocks, serialization failures) are retried at once: the transaction left nothing
 * behind. Other transient errors (a database that went away) are the client's to retry: a 503.
 */
const MAX_ATTEMPTS = 3;

/**
 * Every command as an async function of its input, each run as one transaction on im_write
 * that commits only when the command accepts.
 */
export function createWriteCommands({ pool, ids, logger }: { pool: Pool; ids: IdGenerator; logger: Logger }) {
  const log = logger.child({ component: 'write-commands' });

  const transactional =
    <Input, Output>(name: string, command: Command<Input, Output>) =>
    async (input: Input): Promise<CommandResult<Output>> => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const { result } = await inWriteTransaction(pool, async (tx) => {
            const result = await command({ tx, ids }, input);
            return { commit: result.ok, result };
          });
          return result;
        } catch (error) {
          if (databaseErrorKind(error) !== 'conflict' || attempt >= MAX_ATTEMPTS) throw error;
          log.warn({ command: name, code: sqlState(error), attempt }, 'command retried');
        }
      }
    };

  return {
    createUser: transactional('createUser', createUser),
    changeProfile: transactional('changeProfile', changeProfile),
    applyForFriendship: transactional('applyForFriendship', applyForFriendship),
    acceptFriendApplication: transactional('acceptFriendApplication', acceptFriendApplication),
    rejectFriendApplication: transactional('rejectFriendApplication', rejectFriendApplication),
    setRemark: transactional('setRemark', setRemark),
    unfriend: transactional('unfriend', unfriend),
    openDirectChannel: transactional('openDirectChannel', openDirectChannel),
    createGroup: transactional('createGroup', createGroup),
    changeGroupInfo: transactional('changeGroupInfo', changeGroupInfo),
    setMemberRole: transactional('setMemberRole', setMemberRole),
    joinGroup: transactional('joinGroup', joinGroup),
    addMember: transactional('addMember', addMember),
    removeMember: transactional('removeMember', removeMember),
    leaveGroup: transactional('leaveGroup', leaveGroup),
    dissolveGroup: transactional('dissolveGroup', dissolveGroup),
    sendMessage: transactional('sendMessage', sendMessage),
    recallMessage: transactional('recallMessage', recallMessage),
    markRead: transactional('markRead', markRead),
    changeConversationSettings: transactional('changeConversationSettings', changeConversationSettings),
  };
}

export type WriteCommands = ReturnType<typeof createWriteCommands>;
