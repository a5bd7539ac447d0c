import type { ViewComparison } from './compareViewRows';
import { formatValue, formatVerifyReport } from './formatVerifyReport';
import type { VerifyResult } from './verifyViews';

const clean = (view: ViewComparison['view'], rows: number): ViewComparison => ({
  view,
  expectedRows: rows,
  actualRows: rows,
  matching: rows,
  missing: 0,
  unexpected: 0,
  differing: 0,
  differences: [],
});

describe('formatVerifyReport', () => {
  it('says OK, with a table of counts, when every view matches', () => {
    const result: VerifyResult = {
      views: [clean('user_conversation_view', 12), clean('contact_reverse_index', 4)],
      owners: null,
      warnings: [],
      matches: true,
    };
    expect(formatVerifyReport(result)).toBe(
      [
        'view                    expected  actual  matching  missing  unexpected  differing',
        'user_conversation_view        12      12        12        0           0          0',
        'contact_reverse_index          4       4         4        0           0          0',
        '',
        'OK: all 2 view(s) match the contract, 16 row(s)',
        '',
      ].join('\n'),
    );
  });

  it('lists each difference with view, key, column, expected and actual, then the summary', () => {
    const result: VerifyResult = {
      views: [
        {
          ...clean('user_conversation_view', 3),
          matching: 1,
          differing: 1,
          missing: 1,
          actualRows: 2,
          differences: [
            {
              kind: 'differing',
              key: { user_id: '9007199254740993', channel_id: '7' },
              columns: [
                { column: 'unread_count', expected: '2', actual: '3' },
                { column: 'peer_nickname', expected: 'bob', actual: '' },
                { column: 'last_message_time', expected: '2024-03-01 10:00:00.000001+00', actual: null },
              ],
            },
            { kind: 'missing', key: { user_id: '9007199254740993', channel_id: '8' }, expected: {} },
          ],
        },
        {
          ...clean('conversation_reverse_index', 2),
          actualRows: 5,
          unexpected: 3,
          differences: [{ kind: 'unexpected', key: { peer_user_id: '1', owner_user_id: '2', channel_id: '3' }, actual: {} }],
        },
      ],
      owners: ['9007199254740993'],
      warnings: ['1 direct channel(s) do not have exactly two members (first: 5)'],
      matches: false,
    };
    const report = formatVerifyReport(result);
    expect(report.split('\n')).toEqual([
      'warning: 1 direct channel(s) do not have exactly two members (first: 5)',
      '',
      'user_conversation_view: 2 row(s) differ',
      '  user_conversation_view (user_id=9007199254740993, channel_id=7) unread_count: expected 2, actual 3',
      '  user_conversation_view (user_id=9007199254740993, channel_id=7) peer_nickname: expected "bob", actual ""',
      '  user_conversation_view (user_id=9007199254740993, channel_id=7) last_message_time: expected 2024-03-01 10:00:00.000001+00, actual NULL',
      '  user_conversation_view (user_id=9007199254740993, channel_id=8) missing: the contract defines this row, im_read lacks it',
      '',
      'conversation_reverse_index: 3 row(s) differ',
      '  conversation_reverse_index (peer_user_id=1, owner_user_id=2, channel_id=3) unexpected: im_read has this row, the contract does not define it',
      '  ... and 2 more (raise --max-differences to list them)',
      '',
      'view                        expected  actual  matching  missing  unexpected  differing',
      'user_conversation_view             3       2         1        1           0          1',
      'conversation_reverse_index         2       5         2        0           3          0',
      '',
      'DIFFERENCES: 5 row(s) in 2 of 2 view(s) do not match the contract (rows of 1 owner(s) only)',
      '',
    ]);
  });
});

describe('formatValue', () => {
  it("quotes text so '' and spaces show, and prints NULL bare", () => {
    expect(formatValue('', 'text')).toBe('""');
    expect(formatValue('a "b" ', 'text')).toBe('"a \\"b\\" "');
    expect(formatValue(null, 'text')).toBe('NULL');
    expect(formatValue('9223372036854775807', 'bigint')).toBe('9223372036854775807');
    expect(formatValue('true', 'boolean')).toBe('true');
  });
});
