import type { RejectionCode } from '../commands/commandResult';
import { rejectionStatus } from './rejectionStatus';

describe('rejectionStatus', () => {
  it.each<[RejectionCode, number]>([
    ['user_not_found', 404],
    ['member_not_found', 404],
    ['not_a_member', 403],
    ['not_your_account', 403],
    ['cannot_remove_owner', 403],
    ['cannot_target_self', 400],
    ['already_friends', 409],
    ['application_pending', 409],
    ['channel_dissolved', 409],
    ['seq_beyond_last_message', 409],
  ])('%s → %i', (code, status) => {
    expect(rejectionStatus(code)).toBe(status);
  });
});
