import type { ConversationRow } from '../views/userConversationView';
import { pairKey } from './pairKey';
import { reverseIndexChanges } from './reverseIndexChanges';

const row = (userId: bigint, channelId: bigint, peerUserId: bigint | null): ConversationRow =>
  ({ userId, channelId, peerUserId }) as ConversationRow;

describe('reverseIndexChanges', () => {
  it('given a first build of a direct row, then its entry is wanted and the pair gained a direct conversation', () => {
    const changes = reverseIndexChanges([row(1n, 10n, 2n)], new Map());
    expect(changes).toEqual({
      wanted: [{ peerUserId: 2n, ownerUserId: 1n, channelId: 10n }],
      stale: [],
      newDirectPairs: [{ owner: 1n, peer: 2n, channelId: 10n }],
    });
  });

  it('given a rebuild with the same peer, then the entry is still wanted and nothing is new or stale', () => {
    const changes = reverseIndexChanges([row(1n, 10n, 2n)], new Map([[pairKey(1n, 10n), 2n]]));
    expect(changes.stale).toEqual([]);
    expect(changes.newDirectPairs).toEqual([]);
    expect(changes.wanted).toHaveLength(1);
  });

  it('given a row whose peer changed, then the old entry is stale and the new pair is new', () => {
    const changes = reverseIndexChanges([row(1n, 10n, 3n)], new Map([[pairKey(1n, 10n), 2n]]));
    expect(changes.stale).toEqual([{ peerUserId: 2n, ownerUserId: 1n, channelId: 10n }]);
    expect(changes.newDirectPairs).toEqual([{ owner: 1n, peer: 3n, channelId: 10n }]);
  });

  it('given a row that lost its peer, then its entry is stale and none is wanted', () => {
    const changes = reverseIndexChanges([row(1n, 10n, null)], new Map([[pairKey(1n, 10n), 2n]]));
    expect(changes).toEqual({ wanted: [], stale: [{ peerUserId: 2n, ownerUserId: 1n, channelId: 10n }], newDirectPairs: [] });
  });

  it('given a group row, then the index is untouched', () => {
    expect(reverseIndexChanges([row(1n, 20n, null)], new Map([[pairKey(1n, 20n), null]]))).toEqual({
      wanted: [],
      stale: [],
      newDirectPairs: [],
    });
  });
});
