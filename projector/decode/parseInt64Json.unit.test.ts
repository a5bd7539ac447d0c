import fc from 'fast-check';
import { int64Value, parseInt64Json } from './parseInt64Json';
import { parseLosslessJson } from './parseLosslessJson';

/** Both parsers read the same document; numbers compare as exact decimal text. */
function normalize(value: unknown): unknown {
  const integer = int64Value(value);
  if (integer !== undefined) return String(integer);
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

describe('parseInt64Json', () => {
  it('keeps integers above 2^53 exact, smaller ones as numbers', () => {
    const parsed = parseInt64Json('{"id":9223372036854775807,"neg":-9007199254740993,"seq":42,"f":1.5,"e":1e300,"s":"123"}') as Record<
      string,
      unknown
    >;
    expect(int64Value(parsed.id)).toBe(9223372036854775807n);
    expect(int64Value(parsed.neg)).toBe(-9007199254740993n);
    expect(parsed).toMatchObject({ seq: 42, f: 1.5, e: 1e300 });
    // A string the producer wrote is not a number, even if it holds digits.
    expect(int64Value(parsed.s)).toBeUndefined();
    expect(int64Value(1.5)).toBeUndefined();
  });

  it('leaves digits inside strings alone, escapes included', () => {
    const parsed = parseInt64Json('{"content":"call 12345678901234567890 \\" 99999999999999999","n":[1234567890123456789]}') as {
      content: string;
      n: unknown[];
    };
    expect(parsed.content).toBe('call 12345678901234567890 " 99999999999999999');
    expect(int64Value(parsed.n[0])).toBe(1234567890123456789n);
  });

  it('reads any JSON document as the lossless parser does', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    const doc = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        int64.map((n) => ({ json: String(n) })),
        fc.string().map((s) => ({ json: JSON.stringify(s) })),
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .filter((d) => !Number.isInteger(d))
          .map((d) => ({ json: String(d) })),
        fc.constantFrom({ json: '-0.0000010000000000000002' }, { json: '1.2345678901234567e-25' }, { json: '12345678901234567.5' }),
        fc.constantFrom({ json: 'true' }, { json: 'null' }),
        fc
          .array(tie('value') as fc.Arbitrary<{ json: string }>, { maxLength: 4 })
          .map((items) => ({ json: `[${items.map((i) => i.json).join(',')}]` })),
      ),
    }));
    fc.assert(
      fc.property(doc.value as fc.Arbitrary<{ json: string }>, ({ json }) => {
        expect(normalize(parseInt64Json(json))).toEqual(normalize(parseLosslessJson(json)));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects malformed JSON', () => {
    expect(() => parseInt64Json('{"id": 12345678901234567')).toThrow();
  });
});
