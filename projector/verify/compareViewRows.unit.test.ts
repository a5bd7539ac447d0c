import fc from 'fast-check';
import { compareViewRows, ViewRowsError, type ViewRow } from './compareViewRows';
import { contractView, type ContractView } from './contractViews';

const userContactView = contractView('user_contact_view');
const contactReverseIndex = contractView('contact_reverse_index');

async function* stream(rows: readonly ViewRow[]): AsyncGenerator<ViewRow> {
  for (const row of rows) yield row;
}

const compare = (view: ContractView, expected: readonly ViewRow[], actual: readonly ViewRow[], maxDifferences?: number) =>
  compareViewRows({
    view,
    expected: stream(expected),
    actual: stream(actual),
    ...(maxDifferences === undefined ? {} : { maxDifferences }),
  });

// user_contact_view: user_id, contact_user_id | remark_name, nickname, avatar, display_name, direct_channel_id, friends_since
const contact = (user: string, friend: string, overrides: Partial<Record<number, string | null>> = {}): ViewRow => {
  const row: (string | null)[] = [user, friend, '', 'bob', 'b.png', 'bob', null, '2024-01-01 00:00:00.000001+00'];
  for (const [index, value] of Object.entries(overrides)) row[Number(index)] = value ?? null;
  return row;
};

describe('compareViewRows', () => {
  it('finds nothing when both sides hold the same rows', async () => {
    const rows = [contact('1', '2'), contact('1', '3'), contact('2', '1')];
    await expect(compare(userContactView, rows, rows)).resolves.toEqual({
      view: 'user_contact_view',
      expectedRows: 3,
      actualRows: 3,
      matching: 3,
      missing: 0,
      unexpected: 0,
      differing: 0,
      differences: [],
    });
  });

  it('reports a missing row, an unexpected row and each differing column with both values', async () => {
    const expected = [contact('1', '2'), contact('1', '3'), contact('5', '6')];
    const actual = [contact('1', '2', { 2: 'Bobby', 6: '77' }), contact('4', '1'), contact('5', '6')];
    const result = await compare(userContactView, expected, actual);
    expect(result).toMatchObject({ expectedRows: 3, actualRows: 3, matching: 1, missing: 1, unexpected: 1, differing: 1 });
    expect(result.differences).toEqual([
      {
        kind: 'differing',
        key: { user_id: '1', contact_user_id: '2' },
        columns: [
          { column: 'remark_name', expected: '', actual: 'Bobby' },
          { column: 'direct_channel_id', expected: null, actual: '77' },
        ],
      },
      { kind: 'missing', key: { user_id: '1', contact_user_id: '3' }, expected: expect.objectContaining({ nickname: 'bob' }) },
      { kind: 'unexpected', key: { user_id: '4', contact_user_id: '1' }, actual: expect.objectContaining({ user_id: '4' }) },
    ]);
  });

  it("tells NULL from '' and timestamps a microsecond apart", async () => {
    const result = await compare(
      userContactView,
      [contact('1', '2', { 2: '', 7: '2024-01-01 00:00:00.000001+00' })],
      [contact('1', '2', { 2: null, 7: '2024-01-01 00:00:00.000002+00' })],
    );
    expect(result.differences).toEqual([
      {
        kind: 'differing',
        key: { user_id: '1', contact_user_id: '2' },
        columns: [
          { column: 'remark_name', expected: '', actual: null },
          { column: 'friends_since', expected: '2024-01-01 00:00:00.000001+00', actual: '2024-01-01 00:00:00.000002+00' },
        ],
      },
    ]);
  });

  it('merges by numeric key order, where text order would pair the wrong rows', async () => {
    // '10000000000000007' < '9999999999999999' as text, but not as numbers.
    const rows = [
      ['9007199254740993', '9999999999999999'],
      ['9007199254740993', '10000000000000007'],
    ];
    const result = await compare(contactReverseIndex, rows, [rows[0] as ViewRow]);
    expect(result).toMatchObject({ matching: 1, missing: 1, unexpected: 0 });
    expect(result.differences).toEqual([
      { kind: 'missing', key: { contact_user_id: '9007199254740993', owner_user_id: '10000000000000007' }, expected: expect.anything() },
    ]);
  });

  it('counts every difference but keeps only the first maxDifferences', async () => {
    const expected = Array.from({ length: 50 }, (_, i) => [String(i), '1']);
    const result = await compare(contactReverseIndex, expected, [], 3);
    expect(result.missing).toBe(50);
    expect(result.differences.map((d) => d.key.contact_user_id)).toEqual(['0', '1', '2']);
  });

  it('handles empty sides', async () => {
    await expect(compare(contactReverseIndex, [], [])).resolves.toMatchObject({ expectedRows: 0, actualRows: 0, matching: 0 });
    await expect(compare(contactReverseIndex, [], [['1', '2']])).resolves.toMatchObject({ unexpected: 1, actualRows: 1 });
  });

  it('refuses rows out of key order, duplicate keys, non-integer keys and rows of the wrong width', async () => {
    await expect(
      compare(
        contactReverseIndex,
        [
          ['2', '1'],
          ['1', '1'],
        ],
        [],
      ),
    ).rejects.toThrow(ViewRowsError);
    await expect(
      compare(
        contactReverseIndex,
        [],
        [
          ['1', '1'],
          ['1', '1'],
        ],
      ),
    ).rejects.toThrow(/actual rows of contact_reverse_index/);
    await expect(compare(contactReverseIndex, [[null, '1']], [])).rejects.toThrow(/key column contact_user_id/);
    await expect(compare(contactReverseIndex, [['1', '1', 'x']], [])).rejects.toThrow(/3 columns, not 2/);
  });

  it('agrees with a set comparison of any two row sets', async () => {
    const keyed = fc.dictionary(fc.integer({ min: -50, max: 50 }).map(String), fc.constantFrom('a', 'b', null), { maxKeys: 40 });
    await fc.assert(
      fc.asyncProperty(keyed, keyed, async (expectedSet, actualSet) => {
        // contact_user_id varies, owner_user_id is fixed; the "value" rides in a one-value view.
        const view: ContractView = { ...contactReverseIndex, values: [{ name: 'v', type: 'text' }] };
        const rows = (set: Record<string, string | null>) =>
          Object.entries(set)
            .sort(([a], [b]) => Number(a) - Number(b))
            .map(([key, value]): ViewRow => [key, '1', value]);
        const result = await compare(view, rows(expectedSet), rows(actualSet), 1_000);
        const expectedKeys = Object.keys(expectedSet);
        const inBoth = expectedKeys.filter((key) => key in actualSet);
        expect(result.missing).toBe(expectedKeys.length - inBoth.length);
        expect(result.unexpected).toBe(Object.keys(actualSet).length - inBoth.length);
        expect(result.differing).toBe(inBoth.filter((key) => expectedSet[key] !== actualSet[key]).length);
        expect(result.matching).toBe(inBoth.length - result.differing);
      }),
    );
  });
});
