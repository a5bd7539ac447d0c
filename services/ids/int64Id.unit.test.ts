import fc from 'fast-check';
import { isInt64Id, isInt64Seq, MAX_INT64, parseInt64Id } from './int64Id';

describe('int64 ids as decimal strings', () => {
  it.each(['1', '42', '9007199254740993', '9223372036854775807'])('accepts %s exactly', (text) => {
    expect(parseInt64Id(text)).toBe(BigInt(text));
  });

  it.each(['', '0', '-1', '01', '1.0', '1e3', ' 1', '1 ', '0x10', '9223372036854775808', '99999999999999999999', '１'])(
    'rejects %j',
    (text) => {
      expect(isInt64Id(text)).toBe(false);
      expect(parseInt64Id(text)).toBeUndefined();
    },
  );

  it('round-trips every positive int64 and refuses everything above', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: MAX_INT64 }), (id) => parseInt64Id(id.toString()) === id));
    fc.assert(fc.property(fc.bigInt({ min: MAX_INT64 + 1n, max: 2n ** 70n }), (id) => !isInt64Id(id.toString())));
  });
});

describe('int64 seqs as decimal strings', () => {
  it('accept 0 and the int64 range, nothing else', () => {
    expect(['0', '1', '9223372036854775807'].every(isInt64Seq)).toBe(true);
    expect(['', '-1', '00', '01', '9223372036854775808', '1.5'].some(isInt64Seq)).toBe(false);
  });
});
