import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { rewindCheckpoints } from '../store/checkpoints';
import { historyGoneMessage, planReplay, type ReplayPoint } from './replayPlan';
import { partitionExtents } from './replayPositions';

export interface ReplayOptions {
  readonly from?: string;
  readonly fromBeginning?: boolean;
  readonly topic?: string;
  readonly partition?: string;
  readonly offset?: string;
}

export type ParsedReplay = { readonly kind: 'point'; readonly point: ReplayPoint } | { readonly kind: 'usage'; readonly reason: string };

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DIGITS = /^(0|[1-9]\d{0,18})$/;
const FORMS = 'replay needs exactly one of --from <ISO time>, --from-beginning, or --topic T --partition P --offset O';

/** A calendar date that exists (Date rolls 2026-02-30 over to March instead of refusing it). */
function realDate(date: string): boolean {
  const midnight = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(midnight.getTime()) && midnight.toISOString().slice(0, 10) === date;
}

/** Which replay the options ask for; exactly one form, and nothing of another form beside it. */
export function parseReplayOptions(options: ReplayOptions, topics: readonly string[]): ParsedReplay {
  const offsetForm = options.topic !== undefined || options.partition !== undefined || options.offset !== undefined;
  const forms = [options.from !== undefined, options.fromBeginning === true, offsetForm].filter(Boolean).length;
  if (forms !== 1) return { kind: 'usage', reason: FORMS };
  if (options.fromBeginning === true) return { kind: 'point', point: { kind: 'beginning' } };
  if (options.from !== undefined) {
    const date = ISO_TIME.exec(options.from)?.[1];
    const at = new Date(options.from);
    if (date === undefined || !realDate(date) || Number.isNaN(at.getTime())) {
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

export interface ReplayDeps {
  readonly admin: Admin;
  readonly pool: Pool;
  readonly group: string;
  readonly topics: readonly string[];
  readonly log: (line: string) => void;
  readonly fail: (line: string) => void;
}

/**
 * Moves the group's checkpoints back to a point; the running members (or the next to start)
 * re-apply every record from there over the live views, which changes only what was wrong.
 * Returns the exit code: 0 done, 1 the history is gone, 2 the point is outside the topic.
 */
export async function runReplay({ admin, pool, group, topics, log, fail }: ReplayDeps, point: ReplayPoint): Promise<number> {
  const plan = planReplay(point, await partitionExtents(admin, topics, point));
  switch (plan.kind) {
    case 'invalid':
      fail(plan.reason);
      return 2;
    case 'history-gone':
      fail(historyGoneMessage(plan.partitions));
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
