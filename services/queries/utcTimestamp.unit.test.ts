import { isIsoUtcMicros, isoFromPgTimestamptz, isoFromPgTimestamptzOrNull } from './utcTimestamp';

describe('isoFromPgTimestamptz', () => {
  it.each([
    ['2024-05-01 12:34:56.123456+00', '2024-05-01T12:34:56.123456Z'],
    ['2024-05-01 12:34:56.5+00', '2024-05-01T12:34:56.500000Z'],
    ['2024-05-01 12:34:56+00', '2024-05-01T12:34:56.000000Z'],
  ])('%s → %s', (text, iso) => {
    expect(isoFromPgTimestamptz(text)).toBe(iso);
    expect(isIsoUtcMicros(iso)).toBe(true);
    // The same instant as PostgreSQL's text, to the millisecond a Date can hold.
    expect(new Date(iso).getTime()).toBe(new Date(text.replace(' ', 'T').replace('+00', 'Z')).getTime());
  });

  it('refuses what a UTC ISO session never prints, rather than guessing', () => {
    for (const text of [
      '2024-05-01 12:34:56+02',
      'infinity',
      '10000-01-01 00:00:00+00',
      '0001-01-01 00:00:00+00 BC',
      '05/01/2024 12:34:56',
    ]) {
      expect(() => isoFromPgTimestamptz(text)).toThrow(/timestamptz/);
    }
  });

  it('keeps null', () => {
    expect(isoFromPgTimestamptzOrNull(null)).toBeNull();
  });
});

describe('isIsoUtcMicros', () => {
  it.each([
    '2024-05-01T12:34:56.123Z',
    '2024-05-01T12:34:56Z',
    '2024-13-01T00:00:00.000000Z',
    '2023-02-29T00:00:00.000000Z',
    '0000-01-01T00:00:00.000000Z',
    '',
  ])('refuses %j', (text) => expect(isIsoUtcMicros(text)).toBe(false));

  it('accepts a leap day', () => {
    expect(isIsoUtcMicros('2024-02-29T23:59:59.999999Z')).toBe(true);
  });
});
