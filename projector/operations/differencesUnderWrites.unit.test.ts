import type { RowDifference, ViewComparison } from '../verify/compareViewRows';
import type { VerifyResult } from '../verify/verifyViews';
import { lookAtDifferences } from './differencesUnderWrites';

const contactsDiffering = (differences: RowDifference[], counted = differences.length): VerifyResult => ({
  views: [
    {
      view: 'user_contact_view',
      expectedRows: 10,
      actualRows: 10,
      matching: 10 - counted,
      missing: 0,
      unexpected: 0,
      differing: counted,
      differences,
    } as ViewComparison,
  ],
  owners: null,
  warnings: [],
  matches: false,
});

const nickname = (owner: string, expected: string): RowDifference => ({
  kind: 'differing',
  key: { user_id: owner, contact_user_id: '9' },
  columns: [{ column: 'nickname', expected, actual: 'old' }],
});

describe('lookAtDifferences', () => {
  it('given a first look, then every difference is moving and its owner is looked at again', () => {
    const look = lookAtDifferences(contactsDiffering([nickname('1', 'ann')]), undefined);
    expect(look.standing).toEqual([]);
    expect(look.moving).toHaveLength(1);
    expect(look.owners).toEqual(['1']);
  });

  it('given the same row differing the same way twice, then it is standing (real, not waiting for a change)', () => {
    const first = lookAtDifferences(contactsDiffering([nickname('1', 'ann')]), undefined);
    const second = lookAtDifferences(contactsDiffering([nickname('1', 'ann')]), first.seen);
    expect(second.standing).toHaveLength(1);
    expect(second.moving).toEqual([]);
  });

  it('given the write side moved on meanwhile (another expected nickname), then the row is moving, not standing', () => {
    const first = lookAtDifferences(contactsDiffering([nickname('1', 'ann')]), undefined);
    const second = lookAtDifferences(contactsDiffering([nickname('1', 'ann 2')]), first.seen);
    expect(second.standing).toEqual([]);
    expect(second.moving).toHaveLength(1);
  });

  it('given more differences than the result keeps, then it says the rows cannot all be told apart', () => {
    expect(lookAtDifferences(contactsDiffering([nickname('1', 'ann')], 5), undefined).truncated).toBe(true);
  });
});
