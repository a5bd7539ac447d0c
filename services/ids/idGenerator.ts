/**
 * Time-ordered 64-bit ids, Snowflake layout (the sign bit stays 0, so every id fits bigint):
 *
 *   | 41 bits: ms since ID_EPOCH_MS | 10 bits: worker id | 12 bits: counter within the ms |
 *
 * Every id issued more than 2^31 ms (25 days) after the 2020 epoch is above 2^53, so every client
 * and test handles ids that JSON numbers would round; 41 bits of ms last until 2089.
 */
export const ID_EPOCH_MS = Date.UTC(2020, 0, 1);
export const WORKER_BITS = 10n;
export const COUNTER_BITS = 12n;
export const MAX_WORKER_ID = (1 << Number(WORKER_BITS)) - 1;
const MAX_COUNTER = (1 << Number(COUNTER_BITS)) - 1;
const MAX_ELAPSED_MS = 2 ** 41 - 1;

export interface IdGenerator {
  /** A new id, greater than every id this generator returned before. */
  next(): bigint;
}

export interface IdGeneratorOptions {
  readonly workerId: number;
  readonly epochMs?: number;
  readonly now?: () => number;
}

export function createIdGenerator({ workerId, epochMs = ID_EPOCH_MS, now = Date.now }: IdGeneratorOptions): IdGenerator {
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
    throw new RangeError(`worker id ${workerId} is outside 0..${MAX_WORKER_ID}`);
  }
  const worker = BigInt(workerId) << COUNTER_BITS;
  let lastMs = -1;
  let counter = 0;

  return {
    next() {
      const elapsed = now() - epochMs;
      if (elapsed > lastMs) {
        lastMs = elapsed;
        counter = 0;
      } else if (counter < MAX_COUNTER) {
        // Same ms, or the wall clock stepped back: stay on the logical clock so ids keep growing.
        counter += 1;
      } else {
        // 4096 ids in one ms: borrow the next ms rather than block; the lead is repaid as time passes.
        lastMs += 1;
        counter = 0;
      }
      if (lastMs < 0 || lastMs > MAX_ELAPSED_MS) throw new RangeError(`clock ${now()} is outside the id epoch`);
      return (BigInt(lastMs) << (WORKER_BITS + COUNTER_BITS)) | worker | BigInt(counter);
    },
  };
}

/** The parts of an id, for logs and tests. */
export function describeId(id: bigint, epochMs = ID_EPOCH_MS) {
  return {
    timestampMs: Number(id >> (WORKER_BITS + COUNTER_BITS)) + epochMs,
    workerId: Number((id >> COUNTER_BITS) & BigInt(MAX_WORKER_ID)),
    counter: Number(id & BigInt(MAX_COUNTER)),
  };
}
