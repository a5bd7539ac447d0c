import { parseLosslessJson } from './parseLosslessJson';

describe('parseLosslessJson', () => {
  it('keeps int64 values above 2^53 exact, where JSON.parse rounds them', () => {
    const text = '{"id": 9223372036854775807, "seq": 9007199254740993}';
    expect(parseLosslessJson(text)).toEqual({ id: 9223372036854775807n, seq: 9007199254740993n });
    expect((JSON.parse(text) as { seq: number }).seq).toBe(9007199254740992);
  });

  it('returns integers as bigint and other numbers as numbers', () => {
    expect(parseLosslessJson('{"a": 1, "b": -3, "c": 1.5, "d": null, "e": "7"}')).toEqual({ a: 1n, b: -3n, c: 1.5, d: null, e: '7' });
  });

  it('rejects malformed JSON with an error', () => {
    expect(() => parseLosslessJson('{"id": ')).toThrow();
  });
});
