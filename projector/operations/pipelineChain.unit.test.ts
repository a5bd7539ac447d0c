import { chainVerdict, formatChain, judgeChain, needsProgress, type ChainFacts, type ChainLink, type ChainLinkName } from './pipelineChain';

const ok = <T>(value: T) => ({ ok: true as const, value });
const unreachable = (error: string) => ({ ok: false as const, kind: 'unreachable' as const, error });

const slot = {
  name: 'im_write_cdc',
  active: true,
  holder: { pid: 42, since: '2026-12-02 08:00:00+00', sinceMs: 0 },
  walStatus: 'reserved',
  confirmedLsn: '0/1000',
  retainedBytes: 4096,
  safeWalBytes: 2 * 1024 ** 3,
};

/** A pipeline where every link works. */
const healthy: ChainFacts = {
  wal: ok({ currentLsn: '0/2000' }),
  slot: ok(slot),
  connector: ok({ connector: 'RUNNING', tasks: ['RUNNING'], trace: null }),
  heartbeat: ok({ withinSeconds: 5, windowSeconds: 3600 }),
  projector: ok({
    group: 'im-projector',
    lags: [],
    applied: 100,
    members: 2,
    lagRecords: 0,
    partitions: 14,
    partitionsBehind: 0,
    oldestBehindSeconds: null,
  }),
  builder: ok({ marks: 0, oldestSeconds: 0 }),
};

function link(facts: Partial<ChainFacts>, name: ChainLinkName): ChainLink {
  const found = judgeChain({ ...healthy, ...facts }).find((l) => l.link === name);
  if (found === undefined) throw new Error(`no link ${name}`);
  return found;
}

describe('the pipeline chain', () => {
  it('given every part working, then every link is healthy, in the order changes travel', () => {
    const links = judgeChain(healthy);
    expect(links.map((l) => [l.link, l.verdict])).toEqual([
      ['wal', 'healthy'],
      ['slot', 'healthy'],
      ['connect', 'healthy'],
      ['kafka', 'healthy'],
      ['projector', 'healthy'],
      ['builder', 'healthy'],
    ]);
    expect(chainVerdict(links)).toBe('healthy');
  });

  it('given a lost slot, then the slot is stalled and the way back is named', () => {
    const l = link({ slot: ok({ ...slot, walStatus: 'lost', active: false, holder: null }) }, 'slot');
    expect(l.verdict).toBe('stalled');
    expect(l.reason).toContain('recover-cdc');
  });

  it('given no slot at all, then the slot is stalled', () => {
    expect(link({ slot: ok(null) }, 'slot').verdict).toBe('stalled');
  });

  it('given a slot that retains more than half its WAL allowance, then it is behind and AT RISK', () => {
    const l = link({ slot: ok({ ...slot, retainedBytes: 3 * 1024 ** 3, safeWalBytes: 1024 ** 3 }) }, 'slot');
    expect(l.verdict).toBe('behind');
    expect(l.reason).toMatch(/^AT RISK: 1\.00 GiB more WAL/);
  });

  it('given a slot nobody reads and no recent heartbeat, then it is stalled', () => {
    const l = link(
      { slot: ok({ ...slot, active: false, holder: null }), heartbeat: ok({ withinSeconds: 60, windowSeconds: 3600 }) },
      'slot',
    );
    expect([l.verdict, l.reason]).toEqual(['stalled', 'no connector reads slot im_write_cdc']);
  });

  it('given a slot let go of a moment ago while heartbeats still came (a task restarting), then it is only behind', () => {
    expect(link({ slot: ok({ ...slot, active: false, holder: null }) }, 'slot').verdict).toBe('behind');
  });

  it('given a task restarting or unassigned, then Connect is behind, not stalled', () => {
    expect(link({ connector: ok({ connector: 'RUNNING', tasks: ['RESTARTING'], trace: null }) }, 'connect').verdict).toBe('behind');
    expect(link({ connector: ok({ connector: 'RUNNING', tasks: ['UNASSIGNED'], trace: null }) }, 'connect').verdict).toBe('behind');
    expect(link({ connector: ok({ connector: 'PAUSED', tasks: ['PAUSED'], trace: null }) }, 'connect').verdict).toBe('stalled');
  });

  it('given a failed task, then Connect is stalled with the first line of its trace', () => {
    const l = link(
      {
        connector: ok({ connector: 'RUNNING', tasks: ['FAILED'], trace: 'org.apache.kafka.connect.errors.ConnectException: boom\n\tat x' }),
      },
      'connect',
    );
    expect(l.verdict).toBe('stalled');
    expect(l.reason).toBe('connector RUNNING, tasks FAILED: org.apache.kafka.connect.errors.ConnectException: boom');
  });

  it('given a connector Connect does not know, then Connect is stalled and registering it is named', () => {
    expect(link({ connector: ok({ connector: null, tasks: [], trace: null }) }, 'connect').reason).toContain('not registered');
  });

  it('given no heartbeat for more than 30 s, then CDC into Kafka is stalled even though Connect says RUNNING', () => {
    const links = judgeChain({ ...healthy, heartbeat: ok({ withinSeconds: 60, windowSeconds: 3600 }) });
    expect(links.find((l) => l.link === 'connect')?.verdict).toBe('healthy');
    expect(links.find((l) => l.link === 'kafka')?.verdict).toBe('stalled');
    expect(chainVerdict(links)).toBe('stalled');
  });

  it('given no heartbeat within the last hour, then Kafka is stalled beyond the widest window', () => {
    const l = link({ heartbeat: ok({ withinSeconds: null, windowSeconds: 3600 }) }, 'kafka');
    expect([l.verdict, l.lag]).toEqual(['stalled', '> 60.0 min']);
  });

  it('given records not applied yet and members running, then the projector is behind with records and seconds', () => {
    const l = link(
      {
        projector: ok({
          group: 'g',
          lags: [],
          applied: 100,
          members: 1,
          lagRecords: 1204,
          partitions: 14,
          partitionsBehind: 3,
          oldestBehindSeconds: 3.25,
        }),
      },
      'projector',
    );
    expect([l.verdict, l.lag, l.reason]).toEqual(['behind', '1,204 records, 3.3 s', '1 members, 3 of 14 partitions behind']);
  });

  it('given no member in the group, then the projector is stalled whatever its lag', () => {
    const l = link(
      {
        projector: ok({
          group: 'g',
          lags: [],
          applied: 0,
          members: 0,
          lagRecords: 0,
          partitions: 14,
          partitionsBehind: 0,
          oldestBehindSeconds: null,
        }),
      },
      'projector',
    );
    expect(l.verdict).toBe('stalled');
    expect(l.reason).toBe('no member of group g is running: nothing is applied');
  });

  it('given view keys waiting, then the builder is behind', () => {
    expect(link({ builder: ok({ marks: 10, oldestSeconds: 2 }) }, 'builder').verdict).toBe('behind');
    expect(needsProgress({ ...healthy, builder: ok({ marks: 10, oldestSeconds: 2 }) })).toBe(false);
  });

  it('given a key that waited over a minute, then the builder is stalled only if nothing was built between two looks', () => {
    const old = { ...healthy, builder: ok({ marks: 10, oldestSeconds: 61 }) };
    expect(needsProgress(old)).toBe(true);
    const still = { builder: ok({ marks: 10, oldestSeconds: 58 }), projector: healthy.projector, seconds: 3 };
    expect(link({ ...old, earlier: still }, 'builder')).toMatchObject({
      verdict: 'stalled',
      reason: expect.stringContaining('nothing was built in 3.0 s'),
    });
    const draining = { builder: ok({ marks: 5000, oldestSeconds: 90 }), projector: healthy.projector, seconds: 3 };
    expect(link({ ...old, builder: ok({ marks: 4000, oldestSeconds: 93 }), earlier: draining }, 'builder').verdict).toBe('behind');
  });

  it('given records waiting, then the projector is stalled only if no checkpoint moved between two looks', () => {
    const waiting = ok({
      group: 'g',
      lags: [],
      applied: 100,
      members: 1,
      lagRecords: 50,
      partitions: 14,
      partitionsBehind: 1,
      oldestBehindSeconds: 2,
    });
    expect(needsProgress({ ...healthy, projector: waiting })).toBe(true);
    expect(link({ projector: waiting, earlier: { projector: waiting, builder: healthy.builder, seconds: 3 } }, 'projector')).toMatchObject({
      verdict: 'stalled',
      reason: '1 members, 1 of 14 partitions behind, and no checkpoint moved in 3.0 s',
    });
    const moved = ok({ ...waiting.value, applied: 90 });
    expect(link({ projector: waiting, earlier: { projector: moved, builder: healthy.builder, seconds: 3 } }, 'projector').verdict).toBe(
      'behind',
    );
  });

  it('given a source that does not answer, then its link is stalled naming it; one not configured is unknown', () => {
    const down = link({ wal: unreachable('connect ECONNREFUSED'), slot: unreachable('connect ECONNREFUSED') }, 'wal');
    expect([down.verdict, down.reason]).toEqual(['stalled', 'could not read the write database: connect ECONNREFUSED']);
    const notAsked = judgeChain({
      ...healthy,
      connector: { ok: false, kind: 'not-configured', error: 'set CONNECT_URL to see it' },
    });
    expect(notAsked.find((l) => l.link === 'connect')).toMatchObject({ verdict: 'unknown', reason: 'set CONNECT_URL to see it' });
    expect(chainVerdict(notAsked)).toBe('unknown');
  });

  it('given one link behind and one unknown, then the chain is behind', () => {
    const links = judgeChain({
      ...healthy,
      builder: ok({ marks: 5, oldestSeconds: 1 }),
      connector: { ok: false, kind: 'not-configured', error: 'set CONNECT_URL to see it' },
    });
    expect(chainVerdict(links)).toBe('behind');
  });

  it('prints one row per link under a header', () => {
    const text = formatChain(judgeChain(healthy));
    expect(text.split('\n')).toHaveLength(7);
    expect(text.split('\n')[5]).toMatch(/^projector\s+HEALTHY\s+0 records\s+2 members, every partition applied$/);
  });
});
