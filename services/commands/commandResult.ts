/**
 * Commands return expected refusals as tagged results, never as exceptions: a refused command
 * rolls back and its reason goes to the client. Exceptions are left for what nobody expects.
 */
export type RejectionCode =
  // The thing named does not exist.
  | 'user_not_found'
  | 'channel_not_found'
  | 'message_not_found'
  | 'application_not_found'
  | 'friendship_not_found'
  | 'member_not_found'
  // The caller may not do this.
  | 'not_your_account'
  | 'not_a_member'
  | 'not_friends'
  | 'not_group_admin'
  | 'not_group_owner'
  | 'not_message_sender'
  | 'not_application_target'
  | 'cannot_remove_owner'
  // The request can never succeed, whatever the state.
  | 'cannot_target_self'
  | 'cannot_remove_self'
  // The current state forbids it (duplicates and closed things).
  | 'already_friends'
  | 'application_pending'
  | 'application_handled'
  | 'already_member'
  | 'already_recalled'
  | 'channel_dissolved'
  | 'not_a_group'
  | 'owner_cannot_leave'
  | 'seq_beyond_last_message';

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
}

export type Rejected = { readonly ok: false; readonly rejection: Rejection };
export type CommandResult<T> = { readonly ok: true; readonly value: T } | Rejected;

export const accepted = <T>(value: T): CommandResult<T> => ({ ok: true, value });
export const rejected = (code: RejectionCode, message: string): Rejected => ({ ok: false, rejection: { code, message } });
