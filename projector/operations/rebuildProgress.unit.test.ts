import { formatDuration, formatRebuildProgress, type RebuildSample } from './rebuildProgress';

const sample = (atMs: number, recordsDone: bigint, recordsTotal: bigint, keysBuilt = 0, keysWaiting = 0): RebuildSample => ({
  atMs,
  recordsDone,
  recordsTotal,
  keysBuilt,
  keysWaiting,
});

describe('formatRebuildProgress', () => {
  it('given half the records done at 1,000/s, when formatted, then shows half a bar, the rate and the time left at that rate', () => {
    const line = formatRebuildProgress(sample(0, 40_000n, 100_000n), sample(10_000, 50_000n, 100_000n, 1_234, 56));
    expect(line).toBe('[############............]  50.0% 50,000/100,000 records, 1,000/s, ETA 50s; view keys 1,234 built, 56 waiting');
  });

  it('given no progress since the last sample, when formatted, then the ETA is unknown rather than infinite', () => {
    expect(formatRebuildProgress(sample(0, 10n, 100n), sample(1_000, 10n, 100n))).toContain('0/s, ETA ?;');
  });

  it('given every record done (the total may have grown meanwhile), when formatted, then the bar is full and nothing is left', () => {
    const line = formatRebuildProgress(sample(0, 90n, 120n), sample(1_000, 120n, 120n));
    expect(line).toMatch(/^\[#{24}\] 100\.0% 120\/120 records, 30\/s, ETA 0s;/);
  });

  it('given empty topics, when formatted, then it does not divide by zero', () => {
    expect(formatRebuildProgress(sample(0, 0n, 0n), sample(1_000, 0n, 0n))).toMatch(/^\[\.{24}\]   0\.0% 0\/0 records/);
  });
});

describe('formatDuration', () => {
  it('says seconds, minutes and hours the way an operator reads them', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(7_380)).toBe('2h03m');
  });
});
