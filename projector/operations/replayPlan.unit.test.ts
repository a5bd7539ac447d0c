import { parseReplayOptions } from './replayCommand';
import { historyGoneMessage, planReplay, type PartitionExtent } from './replayPlan';

const TOPICS = ['im.public.users', 'im.public.messages'];
const extent = (partition: number, low: bigint, high: bigint, atTime?: bigint): PartitionExtent => ({
  topic: 'im.public.messages',
  partition,
  low,
  high,
  ...(atTime === undefined ? {} : { atTime }),
});

describe('planReplay from a time', () => {
  it('given full history, when planned, then each partition restarts at its first record at or after the time', () => {
    const plan = planReplay({ kind: 'time', at: new Date() }, [extent(0, 0n, 10n, 4n), extent(1, 0n, 7n, 7n)]);
    expect(plan).toEqual({
      kind: 'planned',
      targets: [
        { topic: 'im.public.messages', partition: 0, offset: 4n },
        { topic: 'im.public.messages', partition: 1, offset: 7n },
      ],
    });
  });

  it('given a partition whose early records were deleted and whose first record is after the time, then the history is gone', () => {
    const plan = planReplay({ kind: 'time', at: new Date() }, [extent(0, 0n, 10n, 4n), extent(1, 5n, 9n, 5n)]);
    expect(plan).toEqual({ kind: 'history-gone', partitions: [extent(1, 5n, 9n, 5n)] });
  });

  it('given deleted records and the time past the first retained record, then the replay can run', () => {
    expect(planReplay({ kind: 'time', at: new Date() }, [extent(0, 5n, 9n, 7n)]).kind).toBe('planned');
  });

  it('given a partition emptied by deletion, then the history is gone too, not silently nothing to replay', () => {
    expect(planReplay({ kind: 'time', at: new Date() }, [extent(0, 10n, 10n, 10n)]).kind).toBe('history-gone');
  });
});

describe('planReplay from the beginning', () => {
  it('given full history, then every partition restarts at 0', () => {
    expect(planReplay({ kind: 'beginning' }, [extent(0, 0n, 10n)])).toEqual({
      kind: 'planned',
      targets: [{ topic: 'im.public.messages', partition: 0, offset: 0n }],
    });
  });

  it('given a partition whose early records were deleted, then the history is gone: a replay would quietly start later', () => {
    expect(planReplay({ kind: 'beginning' }, [extent(0, 0n, 10n), extent(1, 3n, 10n)])).toEqual({
      kind: 'history-gone',
      partitions: [extent(1, 3n, 10n)],
    });
  });
});

describe('planReplay from an offset', () => {
  const at = (offset: bigint) => ({ kind: 'offset', topic: 'im.public.messages', partition: 0, offset }) as const;

  it('given an offset within the topic, then only that partition is planned', () => {
    expect(planReplay(at(3n), [extent(0, 0n, 10n), extent(1, 0n, 10n)])).toEqual({
      kind: 'planned',
      targets: [{ topic: 'im.public.messages', partition: 0, offset: 3n }],
    });
  });

  it('given an offset before the first retained record, then the history is gone, and the message points at the re-snapshot', () => {
    const plan = planReplay(at(2n), [extent(0, 5n, 10n)]);
    expect(plan.kind).toBe('history-gone');
    expect(historyGoneMessage([extent(0, 5n, 10n)])).toMatch(
      /im\.public\.messages\/0: records before offset 5 were deleted[\s\S]*resnapshot/,
    );
  });

  it('given an offset past the end or a partition that does not exist, then it is refused with the reason', () => {
    expect(planReplay(at(11n), [extent(0, 0n, 10n)])).toEqual({
      kind: 'invalid',
      reason: 'offset 11 is past the end of im.public.messages/0 (10)',
    });
    expect(planReplay({ ...at(0n), partition: 9 }, [extent(0, 0n, 10n)])).toEqual({
      kind: 'invalid',
      reason: 'im.public.messages has no partition 9',
    });
  });
});

describe('parseReplayOptions', () => {
  it('given --from-beginning, then it is the beginning', () => {
    expect(parseReplayOptions({ fromBeginning: true }, TOPICS)).toEqual({ kind: 'point', point: { kind: 'beginning' } });
  });

  it('given an ISO time with a zone, then it is a time point', () => {
    expect(parseReplayOptions({ from: '2026-12-02T09:30:00.5Z' }, TOPICS)).toEqual({
      kind: 'point',
      point: { kind: 'time', at: new Date('2026-12-02T09:30:00.500Z') },
    });
  });

  it('given a time without a zone or not a time, then it says what it wants', () => {
    for (const from of ['2026-12-02T09:30:00', 'yesterday', '2026-13-45T99:99:00Z', '2026-02-30T00:00:00Z']) {
      expect(parseReplayOptions({ from }, TOPICS)).toMatchObject({
        kind: 'usage',
        reason: expect.stringContaining('not an ISO-8601 time'),
      });
    }
  });

  it('given a partition and offset of a projected topic, then it is an offset point', () => {
    expect(parseReplayOptions({ topic: 'im.public.users', partition: '3', offset: '42' }, TOPICS)).toEqual({
      kind: 'point',
      point: { kind: 'offset', topic: 'im.public.users', partition: 3, offset: 42n },
    });
  });

  it('given two forms, a piece of another form, none, an unknown topic or a bad number, then it is a usage error naming the problem', () => {
    expect(parseReplayOptions({ from: '2026-12-02T09:30:00Z', fromBeginning: true }, TOPICS).kind).toBe('usage');
    expect(parseReplayOptions({}, TOPICS).kind).toBe('usage');
    expect(parseReplayOptions({ topic: 'other', partition: '0', offset: '0' }, TOPICS)).toMatchObject({
      reason: expect.stringContaining('--topic other'),
    });
    expect(parseReplayOptions({ topic: 'im.public.users', partition: '-1', offset: '0' }, TOPICS)).toMatchObject({
      reason: expect.stringContaining('--partition'),
    });
    expect(parseReplayOptions({ topic: 'im.public.users', partition: '0', offset: '1.5' }, TOPICS)).toMatchObject({
      reason: expect.stringContaining('--offset'),
    });
  });
});
