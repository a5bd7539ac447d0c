import { describeId, ID_EPOCH_MS, createIdGenerator, MAX_WORKER_ID } from './idGenerator';

const clockAt = (times: number[]) => {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)]!;
};

describe('idGenerator', () => {
  it('issues ids above 2^53 today, so clients must keep them as strings', () => {
    const id = createIdGenerator({ workerId: 1 }).next();
    expect(id > 2n ** 53n).toBe(true);
    expect(id < 2n ** 63n).toBe(true);
  });

  it('packs time, worker and counter so the parts read back', () => {
    const t = ID_EPOCH_MS + 123_456_789;
    const ids = createIdGenerator({ workerId: 517, now: () => t });
    ids.next();
    const second = ids.next();
    expect(describeId(second)).toEqual({ timestampMs: t, workerId: 517, counter: 1 });
  });

  it('orders ids by time across milliseconds', () => {
    const ids = createIdGenerator({ workerId: 3, now: clockAt([ID_EPOCH_MS + 10, ID_EPOCH_MS + 11, ID_EPOCH_MS + 500]) });
    const [a, b, c] = [ids.next(), ids.next(), ids.next()];
    expect(a < b && b < c).toBe(true);
  });

  it('stays strictly increasing and unique when 10,000 ids fall in one millisecond', () => {
    const ids = createIdGenerator({ workerId: MAX_WORKER_ID, now: () => ID_EPOCH_MS + 42 });
    const issued = Array.from({ length: 10_000 }, () => ids.next());
    for (let i = 1; i < issued.length; i++) expect(issued[i]! > issued[i - 1]!).toBe(true);
    // The counter overflowed twice, so the logical clock borrowed two milliseconds.
    expect(describeId(issued[issued.length - 1]!).timestampMs).toBe(ID_EPOCH_MS + 44);
  });

  it('keeps increasing when the wall clock steps back', () => {
    const ids = createIdGenerator({ workerId: 0, now: clockAt([ID_EPOCH_MS + 1000, ID_EPOCH_MS + 900, ID_EPOCH_MS + 901]) });
    const [a, b, c] = [ids.next(), ids.next(), ids.next()];
    expect(b > a).toBe(true);
    expect(c > b).toBe(true);
  });

  it('gives different workers disjoint ids in the same millisecond', () => {
    const now = () => ID_EPOCH_MS + 7;
    const first = createIdGenerator({ workerId: 1, now });
    const second = createIdGenerator({ workerId: 2, now });
    const a = new Set(Array.from({ length: 100 }, () => first.next()));
    const b = Array.from({ length: 100 }, () => second.next());
    expect(b.some((id) => a.has(id))).toBe(false);
  });

  it('rejects worker ids outside 10 bits and clocks before the epoch', () => {
    expect(() => createIdGenerator({ workerId: 1024 })).toThrow(RangeError);
    expect(() => createIdGenerator({ workerId: -1 })).toThrow(RangeError);
    expect(() => createIdGenerator({ workerId: 0, now: () => ID_EPOCH_MS - 1 }).next()).toThrow(RangeError);
  });
});
