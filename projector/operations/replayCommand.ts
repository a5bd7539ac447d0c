import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { resetCheckpoints, rewindCheckpoints } from '../store/checkpoints';
import { historyGoneMessage, planReplay, type ReplayPoint } from './replayPlan';
import { partitionExtents } from './replayPositions';

export interface ReplayOptions {
  readonly from?: string;
  readonly fromBeginning?: boolean;
  readonly topic?: string;
  readonly partition?: string;
  readonly offset?: string;
}

type Parsed =
  | { readonly kind: 'point'; readonly point: ReplayPoint }
  | { readonly kind: 'beginning' }
  | { readonly kind: 'usage'; readonly reason: string };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DIGITS = /^(0|[1-9]\d{0,18})$/;

/** Which replay the options ask for; exactly one form is accepted. */
export function parseReplayOptions(options: ReplayOptions, topics: readonly string[]): Parsed {
  const forms = [options.from !== undefined, options.fromBeginning === true, options.topic !== undefined].filter(Boolean).length;
  if (forms !== 1)
    return { kind: 'usage', reason: 'replay needs exactly one of --from <ISO time>, --from-beginning, --topic T --partition P --offset O' };
  if (options.fromBeginning === true) return { kind: 'beginning' };
  if (options.from !== undefined) {
    const at = new Date(options.from);
    if (!ISO_TIME.test(options.from) || Number.isNaN(at.getTime())) {
      return { kind: 'usage', reason: `--from ${options.from}: not an ISO-8601 time with a zone, e.g. 2026-12-02T09:30:00Z` };
    }
    return { kind: 'point', point: { kind: 'time', at } };
  }
  const { topic = '', partition, offset } = options;
  if (!topics.includes(topic)) return { kind: 'usage', reason: `--topic ${topic}: not one of the projected topics (${topics.join(', ')})` };
  if (partition === undefined || !DIGITS.test(partition)) return { kind: 'usage', reason: '--partition needs a partition number' };
  if (offset === undefined || !DIGITS.test(offset)) return { kind: 'usage', reason: '--offset needs an offset (a non-negative integer)' };
  return { kind: 'point', point: { kind: 'offset', topic, partition: Number(partition), offset: BigInt(offset) } };
}

/**
 * Moves the group's checkpoints back to a point; the running members (or the next to start)
 * re-apply every record from there over the live views, which changes only what was wrong.
 * Returns the exit code: 0 done, 1 the history is gone, 2 a usage error.
 */
export async function runReplay(
  { admin, pool, group, topics, log }: { admin: Admin; pool: Pool; group: string; topics: readonly string[]; log: (line: string) => void },
  options: ReplayOptions,
): Promise<number> {
  const parsed = parseReplayOptions(options, topics);
  if (parsed.kind === 'usage') {
    log(parsed.reason);
    return 2;
  }
  if (parsed.kind === 'beginning') {
    const moved = await resetCheckpoints(pool, group, topics, 0n);
    log(`${moved} partition checkpoints of group ${group} moved to offset 0; running members re-apply from there`);
    return 0;
  }
  const plan = planReplay(parsed.point, await partitionExtents(admin, topics, parsed.point));
  switch (plan.kind) {
    case 'invalid':
      log(plan.reason);
      return 2;
    case 'history-gone':
      log(historyGoneMessage(plan.partitions));
      return 1;
    case 'planned': {
      const moved = await rewindCheckpoints(pool, group, plan.targets);
      for (const m of moved) log(`${`${m.topic}/${m.partition}`.padEnd(40)} ${String(m.from).padStart(10)} -> ${m.to}`);
      log(`${moved.length} partition checkpoints of group ${group} moved back; running members re-apply from there`);
      return 0;
    }
    default: {
      const unreachable: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(unreachable)}`);
    }
  }
}
