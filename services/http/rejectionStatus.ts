import type { RejectionCode } from '../commands/commandResult';

/** HTTP status of each refusal: unknown thing 404, not allowed 403, impossible request 400, state conflict 409. */
export function rejectionStatus(code: RejectionCode): 400 | 403 | 404 | 409 {
  switch (code) {
    case 'user_not_found':
    case 'channel_not_found':
    case 'message_not_found':
    case 'application_not_found':
    case 'friendship_not_found':
    case 'member_not_found':
      return 404;
    case 'not_your_account':
    case 'not_a_member':
    case 'not_friends':
    case 'not_group_admin':
    case 'not_group_owner':
    case 'not_message_sender':
    case 'not_application_target':
    case 'cannot_remove_owner':
      return 403;
    case 'cannot_target_self':
    case 'cannot_remove_self':
      return 400;
    case 'already_friends':
    case 'application_pending':
    case 'application_handled':
    case 'already_member':
    case 'already_recalled':
    case 'channel_dissolved':
    case 'not_a_group':
    case 'owner_cannot_leave':
    case 'seq_beyond_last_message':
      return 409;
    default: {
      const unknownCode: never = code;
      throw new Error(`no status for rejection ${String(unknownCode)}`);
    }
  }
}
