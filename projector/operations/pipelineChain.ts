import type { SlotState } from '../../infra/stack/replicationSlot';
import type { PartitionLag } from './partitionLag';

/**
 * The pipeline as a chain of links, from a write's WAL record to the view row that shows it. Each
 * link is judged from facts read once (chainFacts.ts), with the same thresholds as the alerting
 * rules (infra/prometheus/rules/pipeline.rules.yml), so `lag`, `stack status` and the alerts agree.
 */
export const CHAIN_LINKS = ['wal', 'slot', 'connect', 'kafka', 'projector', 'builder'] as const;
export type ChainLinkName = (typeof CHAIN_LINKS)[number];

/**
 * - healthy: the link passes changes on as they come;
 * - behind: it works, with a backlog it is draining;
 * - stalled: nothing passes this link; the reason says why;
 * - unknown: this host was not given the address to read it from (the reason names the setting).
 */
export type Verdict = 'healthy' | 'behind' | 'stalled' | 'unknown';

export interface ChainLink {
  readonly link: ChainLinkName;
  readonly verdict: Verdict;
  /** The link's lag in words ("1,204 records, 3.2 s"), or its position when it has no lag. */
  readonly lag: string;
  readonly reason: string;
  /** The same figures as numbers, in base units, for --json. */
  readonly figures: Readonly<Record<string, number | string | null>>;
}

/**
 * A fact that could not be read carries why: `unreachable` (asked, and the source failed: the link
 * is stalled, since nothing passes a part that does not answer) or `not-configured` (this host was
 * not given the source's address: the link is unknown).
 */
export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly kind: 'unreachable' | 'not-configured'; readonly error: string };

export interface ConnectorState {
  /** null: Connect answers and does not know the connector. */
  readonly connector: string | null;
  readonly tasks: readonly string[];
  readonly trace: string | null;
}

export interface ProjectorPartitions {
  readonly group: string;
  readonly lags: readonly PartitionLag[];
  /** Sum of the checkpoints: it moves whenever any batch commits. */
  readonly applied: number;
  /** Members of the group's Kafka consumer group right now. */
  readonly members: number;
  readonly lagRecords: number;
  readonly partitions: number;
  readonly partitionsBehind: number;
  /** Seconds since the source commit of the last applied event, on the most behind partition that lags. */
  readonly oldestBehindSeconds: number | null;
}

export interface ChainFacts {
  readonly wal: Read<{ readonly currentLsn: string }>;
  /** value null: the slot does not exist. */
  readonly slot: Read<SlotState | null>;
  readonly connector: Read<ConnectorState>;
  /** Seconds within which the last Debezium heartbeat reached Kafka (a bound); null: none in the last hour. */
  readonly heartbeat: Read<{ readonly withinSeconds: number | null; readonly windowSeconds: number }>;
  readonly projector: Read<ProjectorPartitions>;
  readonly builder: Read<BuilderBacklog>;
  /**
   * The projector and the builder as they were `seconds` earlier, when a link's verdict depends on
   * whether it moves: a backlog is "behind" while it drains and "stalled" only when it does not.
   */
  readonly earlier?: { readonly projector: ChainFacts['projector']; readonly builder: ChainFacts['builder']; readonly seconds: number };
}

export interface BuilderBacklog {
  readonly marks: number;
  readonly oldestSeconds: number;
}

/** Whether a verdict waits on a second look (ChainFacts.earlier): records or old view keys wait. */
export function needsProgress(facts: Pick<ChainFacts, 'projector' | 'builder'>): boolean {
  const waiting = facts.projector.ok && facts.projector.value.members > 0 && facts.projector.value.lagRecords > 0;
  const old = facts.builder.ok && facts.builder.value.marks > 0 && facts.builder.value.oldestSeconds > BUILDER_STUCK_SECONDS;
  return waiting || old;
}

/** Debezium heartbeats every 5 s: six missed ones are a stall (alert CdcStalled). */
export const HEARTBEAT_SILENCE_SECONDS = 30;
/** A slot that retains half its WAL allowance is at risk of being lost (alert ReplicationSlotWalHigh). */
const SLOT_AT_RISK_SHARE = 0.5;
/** A view key waiting longer than this, with nothing built meanwhile, means no member builds (alert BuilderStuck). */
const BUILDER_STUCK_SECONDS = 60;

const count = (n: number) => n.toLocaleString('en-US');
const seconds = (s: number) => (s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);
const bytes = (b: number) =>
  b < 1024
    ? `${b} B`
    : b < 1024 ** 2
      ? `${(b / 1024).toFixed(1)} KiB`
      : b < 1024 ** 3
        ? `${(b / 1024 ** 2).toFixed(1)} MiB`
        : `${(b / 1024 ** 3).toFixed(2)} GiB`;

/** The link judged without its fact: stalled when its source could not be read, unknown when it was not asked. */
const unread = (link: ChainLinkName, fact: Extract<Read<unknown>, { ok: false }>, source: string): ChainLink => ({
  link,
  verdict: fact.kind === 'unreachable' ? 'stalled' : 'unknown',
  lag: '-',
  reason: fact.kind === 'unreachable' ? `could not read ${source}: ${fact.error}` : fact.error,
  figures: {},
});

/** Connect's states between two others (a rebalance, a restart the supervisor asked for). */
const PASSING_STATES = new Set(['RESTARTING', 'UNASSIGNED']);

function walLink(wal: ChainFacts['wal']): ChainLink {
  if (!wal.ok) return unread('wal', wal, 'the write database');
  return {
    link: 'wal',
    verdict: 'healthy',
    lag: `at ${wal.value.currentLsn}`,
    reason: 'the write database answers',
    figures: { lsn: wal.value.currentLsn },
  };
}

function slotLink(slot: ChainFacts['slot'], heartbeat: ChainFacts['heartbeat']): ChainLink {
  if (!slot.ok) return unread('slot', slot, 'the write database');
  const s = slot.value;
  if (s === null)
    return {
      link: 'slot',
      verdict: 'stalled',
      lag: '-',
      reason: 'the replication slot does not exist: run npm run stack -- recover-cdc',
      figures: {},
    };
  const figures = { retainedBytes: s.retainedBytes, safeWalBytes: s.safeWalBytes, walStatus: s.walStatus, confirmedLsn: s.confirmedLsn };
  const lag = `${bytes(s.retainedBytes)} retained`;
  if (s.walStatus === 'lost') {
    return {
      link: 'slot',
      verdict: 'stalled',
      lag,
      figures,
      reason: `slot ${s.name} is lost (its WAL is gone): run npm run stack -- recover-cdc`,
    };
  }
  if (!s.active) {
    // A task restarting lets go of the slot for a moment; heartbeats that still came say so.
    const recent = heartbeat.ok && heartbeat.value.withinSeconds !== null && heartbeat.value.withinSeconds <= HEARTBEAT_SILENCE_SECONDS;
    return recent
      ? { link: 'slot', verdict: 'behind', lag, figures, reason: `no connector reads slot ${s.name} right now (a task restarting?)` }
      : { link: 'slot', verdict: 'stalled', lag, figures, reason: `no connector reads slot ${s.name}` };
  }
  const allowance = s.safeWalBytes === null ? null : s.retainedBytes + s.safeWalBytes;
  if (allowance !== null && s.retainedBytes > SLOT_AT_RISK_SHARE * allowance) {
    return {
      link: 'slot',
      verdict: 'behind',
      lag,
      figures,
      reason: `AT RISK: ${bytes(s.safeWalBytes ?? 0)} more WAL and slot ${s.name} is lost (wal_status ${s.walStatus})`,
    };
  }
  return { link: 'slot', verdict: 'healthy', lag, figures, reason: `read by pid ${s.holder?.pid ?? '?'}, wal_status ${s.walStatus}` };
}

function connectLink(connector: ChainFacts['connector']): ChainLink {
  if (!connector.ok) return unread('connect', connector, "Kafka Connect's REST API");
  const c = connector.value;
  if (c.connector === null)
    return { link: 'connect', verdict: 'stalled', lag: '-', reason: 'the connector is not registered: npm run stack -- up', figures: {} };
  const figures = { connector: c.connector, tasks: c.tasks.join(',') };
  const states = `connector ${c.connector}, tasks ${c.tasks.length === 0 ? 'none' : c.tasks.join(',')}`;
  if (c.connector === 'RUNNING' && c.tasks.length > 0 && c.tasks.every((t) => t === 'RUNNING')) {
    return { link: 'connect', verdict: 'healthy', lag: '-', reason: states, figures };
  }
  const trace = c.trace === null ? '' : `: ${c.trace.split('\n')[0]}`;
  const failed = [c.connector, ...c.tasks].some((t) => !PASSING_STATES.has(t) && t !== 'RUNNING');
  if (!failed) return { link: 'connect', verdict: 'behind', lag: '-', reason: `${states}: restarting`, figures };
  return { link: 'connect', verdict: 'stalled', lag: '-', reason: `${states}${trace}`, figures };
}

function kafkaLink(heartbeat: ChainFacts['heartbeat']): ChainLink {
  if (!heartbeat.ok) return unread('kafka', heartbeat, 'Kafka');
  const { withinSeconds, windowSeconds } = heartbeat.value;
  const figures = { heartbeatWithinSeconds: withinSeconds };
  if (withinSeconds === null) {
    return {
      link: 'kafka',
      verdict: 'stalled',
      lag: `> ${seconds(windowSeconds)}`,
      figures,
      reason: `no Debezium heartbeat in the last ${seconds(windowSeconds)}: CDC sends nothing`,
    };
  }
  if (withinSeconds > HEARTBEAT_SILENCE_SECONDS) {
    return {
      link: 'kafka',
      verdict: 'stalled',
      lag: `≤ ${seconds(withinSeconds)}`,
      figures,
      reason: `no Debezium heartbeat for more than ${HEARTBEAT_SILENCE_SECONDS} s: CDC sends nothing, so "0 records behind" below counts only what is in Kafka`,
    };
  }
  return { link: 'kafka', verdict: 'healthy', lag: `≤ ${seconds(withinSeconds)}`, figures, reason: 'Debezium heartbeats arrive' };
}

function projectorLink(projector: ChainFacts['projector'], earlier: ChainFacts['earlier']): ChainLink {
  if (!projector.ok) return unread('projector', projector, 'Kafka or the read database');
  const p = projector.value;
  const figures = {
    group: p.group,
    members: p.members,
    lagRecords: p.lagRecords,
    partitionsBehind: p.partitionsBehind,
    oldestBehindSeconds: p.oldestBehindSeconds,
  };
  const lag = `${count(p.lagRecords)} records${p.oldestBehindSeconds === null ? '' : `, ${seconds(p.oldestBehindSeconds)}`}`;
  if (p.members === 0) {
    return { link: 'projector', verdict: 'stalled', lag, figures, reason: `no member of group ${p.group} is running: nothing is applied` };
  }
  if (p.lagRecords === 0)
    return { link: 'projector', verdict: 'healthy', lag, figures, reason: `${p.members} members, every partition applied` };
  const behind = `${p.members} members, ${p.partitionsBehind} of ${p.partitions} partitions behind`;
  if (earlier?.projector.ok === true && earlier.projector.value.applied === p.applied) {
    return {
      link: 'projector',
      verdict: 'stalled',
      lag,
      figures,
      reason: `${behind}, and no checkpoint moved in ${seconds(earlier.seconds)}`,
    };
  }
  return { link: 'projector', verdict: 'behind', lag, figures, reason: behind };
}

function builderLink(builder: ChainFacts['builder'], earlier: ChainFacts['earlier']): ChainLink {
  if (!builder.ok) return unread('builder', builder, 'the read database');
  const { marks, oldestSeconds } = builder.value;
  const figures = { marks, oldestSeconds };
  const lag = `${count(marks)} view keys${marks === 0 ? '' : `, oldest ${seconds(oldestSeconds)}`}`;
  if (marks === 0) return { link: 'builder', verdict: 'healthy', lag, figures, reason: 'every applied change is in the views' };
  if (oldestSeconds > BUILDER_STUCK_SECONDS && earlier?.builder.ok === true) {
    // A backlog drains oldest first: fewer keys, or a younger oldest one, mean passes commit.
    const before = earlier.builder.value;
    if (marks >= before.marks && oldestSeconds >= before.oldestSeconds) {
      return {
        link: 'builder',
        verdict: 'stalled',
        lag,
        figures,
        reason: `a view key has waited more than ${BUILDER_STUCK_SECONDS} s and nothing was built in ${seconds(earlier.seconds)}`,
      };
    }
  }
  return { link: 'builder', verdict: 'behind', lag, figures, reason: 'building' };
}

/** Each link judged alone, in the chain's order. */
export function judgeChain(facts: ChainFacts): ChainLink[] {
  return [
    walLink(facts.wal),
    slotLink(facts.slot, facts.heartbeat),
    connectLink(facts.connector),
    kafkaLink(facts.heartbeat),
    projectorLink(facts.projector, facts.earlier),
    builderLink(facts.builder, facts.earlier),
  ];
}

/** The chain as a table for people. */
export function formatChain(links: readonly ChainLink[]): string {
  const rows = links.map((l) => `${l.link.padEnd(10)} ${l.verdict.toUpperCase().padEnd(8)} ${l.lag.padEnd(28)} ${l.reason}`);
  return [`${'link'.padEnd(10)} ${'verdict'.padEnd(8)} ${'lag'.padEnd(28)} why`, ...rows].join('\n');
}

/** The worst verdict along the chain, what a script acts on: a link nobody could look at does not make it worse than behind. */
export function chainVerdict(links: readonly ChainLink[]): Verdict {
  for (const v of ['stalled', 'behind', 'unknown'] as const) if (links.some((l) => l.verdict === v)) return v;
  return 'healthy';
}
