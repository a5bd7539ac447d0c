import fc from 'fast-check';
import {
  decodeContactCursor,
  decodeConversationCursor,
  encodeContactCursor,
  encodeConversationCursor,
  MAX_CURSOR_LENGTH,
  type ConversationPosition,
} from './pageCursor';

const raw = (fields: unknown): string => Buffer.from(JSON.stringify(fields)).toString('base64url');
const ABOVE_2_53 = '9007199254740993';

describe('conversation cursors', () => {
  it.each<[string, ConversationPosition]>([
    ['pinned, with a time', { isPinned: true, lastMessageTime: '2024-05-01T12:34:56.123456Z', channelId: ABOVE_2_53 }],
    ['unpinned, no message yet', { isPinned: false, lastMessageTime: null, channelId: '9223372036854775807' }],
  ])('round-trip exactly: %s', (_name, position) => {
    const cursor = encodeConversationCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeConversationCursor(cursor)).toEqual(position);
  });

  it('round-trips any position', () => {
    const position = fc.record({
      isPinned: fc.boolean(),
      lastMessageTime: fc.option(
        fc
          .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
          .chain((d) =>
            fc.integer({ min: 0, max: 999 }).map((micros) => `${d.toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`),
          ),
      ),
      channelId: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
    });
    fc.assert(fc.property(position, (p) => expect(decodeConversationCursor(encodeConversationCursor(p))).toEqual(p)));
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['base64 of no JSON', Buffer.from('{not json').toString('base64url')],
    ['a JSON object', raw({ p: 1 })],
    ['an unknown version', raw(['c2', 1, null, '5'])],
    ['a contact cursor', encodeContactCursor({ displayName: 'Ann', contactUserId: '5' })],
    ['too few fields', raw(['c1', 1, null])],
    ['too many fields', raw(['c1', 1, null, '5', 'x'])],
    ['pinned as a boolean', raw(['c1', true, null, '5'])],
    ['pinned 2', raw(['c1', 2, null, '5'])],
    ['a time without microseconds', raw(['c1', 0, '2024-05-01T12:34:56.123Z', '5'])],
    ['a time with an offset', raw(['c1', 0, '2024-05-01T12:34:56.123456+01:00', '5'])],
    ['February 30th', raw(['c1', 0, '2024-02-30T00:00:00.000000Z', '5'])],
    ['hour 24', raw(['c1', 0, '2024-02-01T24:00:00.000000Z', '5'])],
    ['a time as a number', raw(['c1', 0, 1714566896, '5'])],
    ['a channel id as a number', raw(['c1', 0, null, 5])],
    ['channel id 0', raw(['c1', 0, null, '0'])],
    ['a channel id above int64', raw(['c1', 0, null, '9223372036854775808'])],
    ['a negative channel id', raw(['c1', 0, null, '-5'])],
    ['too long', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('refuses %s', (_name, cursor) => {
    expect(decodeConversationCursor(cursor)).toBeUndefined();
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string(), (text) => void decodeConversationCursor(text)));
    fc.assert(fc.property(fc.jsonValue(), (value) => void decodeConversationCursor(raw(value))));
  });
});

describe('contact cursors', () => {
  it('round-trips any display name PostgreSQL can hold', () => {
    const position = fc.record({
      displayName: fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !s.includes('\u0000')),
      contactUserId: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
    });
    fc.assert(fc.property(position, (p) => expect(decodeContactCursor(encodeContactCursor(p))).toEqual(p)));
  });

  it('keeps a long name of 4-byte characters within the cursor limit', () => {
    const cursor = encodeContactCursor({ displayName: '𝄞'.repeat(1000), contactUserId: ABOVE_2_53 });
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(decodeContactCursor(cursor)?.displayName).toBe('𝄞'.repeat(1000));
  });

  it.each([
    ['a conversation cursor', encodeConversationCursor({ isPinned: true, lastMessageTime: null, channelId: '5' })],
    ['a name with NUL', raw(['k1', 'a\u0000b', '5'])],
    ['a name as a number', raw(['k1', 5, '5'])],
    ['a bad contact id', raw(['k1', 'Ann', '05'])],
    ['a missing contact id', raw(['k1', 'Ann'])],
  ])('refuses %s', (_name, cursor) => {
    expect(decodeContactCursor(cursor)).toBeUndefined();
  });
});
