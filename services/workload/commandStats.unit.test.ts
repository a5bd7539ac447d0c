import { createCommandStats, percentile } from './commandStats';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('commandStats', () => {
  it('counts outcomes per command and overall, and groups refusals by status and reason', () => {
    const stats = createCommandStats();
    stats.record({ command: 'send', status: 201, ms: 2 });
    stats.record({ command: 'send', status: 201, ms: 4 });
    stats.record({ command: 'send', status: 403, error: 'not_a_member', ms: 1 });
    stats.record({ command: 'join', status: 409, error: 'already_member', ms: 3 });
    stats.record({ command: 'join', status: 0, ms: 9 });

    expect(stats.totals()).toEqual({ sent: 5, ok: 2, failures: 1 });
    expect(stats.perCommand()).toEqual([
      { command: 'send', sent: 3, ok: 2, clientErrors: 1, serverErrors: 0, p50Ms: 2, p99Ms: 4, maxMs: 4 },
      { command: 'join', sent: 2, ok: 0, clientErrors: 1, serverErrors: 1, p50Ms: 3, p99Ms: 9, maxMs: 9 },
    ]);
    expect(stats.overall()).toMatchObject({ sent: 5, ok: 2, clientErrors: 2, serverErrors: 1, p50Ms: 3, p99Ms: 9 });
    expect(stats.errors()).toEqual(
      expect.arrayContaining([
        { command: 'send', reason: '403 not_a_member', count: 1 },
        { command: 'join', reason: '409 already_member', count: 1 },
        { command: 'join', reason: '0 network_error', count: 1 },
      ]),
    );
  });
});
