import fc from 'fast-check';
import { compareInt64Text, isInt64Text } from './int64Text';

describe('compareInt64Text', () => {
  it('orders by value, not by text, past 2^53', () => {
    expect(compareInt64Text('9999999999999999', '10000000000000007')).toBeLessThan(0);
    expect(compareInt64Text('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareInt64Text('-2', '-10')).toBeGreaterThan(0);
    expect(compareInt64Text('-1', '0')).toBeLessThan(0);
    expect(compareInt64Text('9223372036854775807', '9223372036854775807')).toBe(0);
  });

  it('agrees with BigInt comparison for any int64', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        expect(Math.sign(compareInt64Text(a.toString(), b.toString()))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});

describe('isInt64Text', () => {
  it('accepts the canonical text of the int64 range only', () => {
    for (const ok of ['0', '7', '-7', '9223372036854775807', '-9223372036854775808']) expect(isInt64Text(ok)).toBe(true);
    for (const bad of ['', '-0', '007', '+7', '1.0', ' 7', '9223372036854775808', '-9223372036854775809', 'x']) {
      expect(isInt64Text(bad)).toBe(false);
    }
  });
});
