import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ProjectorMetrics } from '../metrics/projectorMetrics';
import type { BatchDisposition, ChangeSource, SourceBatch, TopicPartition } from '../source/changeSource';
import { createPartitionClaims } from './partitionClaims';
import type { DeadLetter } from '../store/deadLetters';
import { applyBatch, UnappliableEventError, type UnappliablePolicy } from './applyBatch';
import { retryWithBackoff } from './retryWithBackoff';
import { isRetriable } from '../../infra/errors/isRetriable';
import { NoSchemaRegistryError, type ChangeRecordDecoder } from '../decode/changeRecordDecoder';

export interface ProjectorRunnerOptions {
  readonly pool: Pool;
  readonly source: ChangeSource;
  readonly groupId: string;
  /** Identifies this instance in the checkpoint table. */
  readonly memberName: string;
  readonly logger: Logger;
  readonly metrics: ProjectorMetrics;
  /** Called after each committed batch (wakes the view builder). */
  readonly onCommitted: () => void;
  /** Publishes dead letters to the dead-letter topic after they are stored. */
  readonly publishDeadLetters: (letters: readonly DeadLetter[]) => Promise<void>;
  /**
   * The baseline the benchmark compares with: every event in its own transaction, its view rows
   * built before the next event. Never for production.
   */
  readonly oneEventPerTransaction?: { readonly buildViewsNow: () => Promise<void> };
  /** What an event the store refuses does (applyBatch.ts); dead-lettered by default. */
  readonly unappliable?: UnappliablePolicy;
  /** How the CDC records are read (their format); JSON by default. */
  readonly decoder?: ChangeRecordDecoder;
  /** How often claimed checkpoints are checked for an operator's move (replay). */
  readonly checkpointRefreshMs?: number;
  /** The source stopped for good; the process should exit so that its supervisor restarts it. */
  readonly onFatal?: (error: Error) => void;
}

const key = (tp: TopicPartition) => `${tp.topic}/${tp.partition}`;

/**
 * Drives batches from the source through applyBatch: claims each partition's checkpoint when
 * assigned and starts from it, skips what was applied before, seeks back if Kafka is ahead of
 * the checkpoint, retries transient errors, and commits to Kafka only after the database.
 */
/** The source table of a CDC topic (<prefix>.<schema>.<table>), as the metrics label it. */
const tableOfTopic = (topic: string): string => topic.slice(topic.lastIndexOf('.') + 1);

export function createProjectorRunner(options: ProjectorRunnerOptions) {
  const { pool, source, groupId, memberName, metrics, onCommitted, publishDeadLetters, checkpointRefreshMs = 1000 } = options;
  const log = options.logger.child({ component: 'projector' });
  /** This member's partitions by its latest rebalance. */
  let assignment = new Set<string>();
  let stopping = false;
  // Ends the retries of transient errors when stopping: the next failure is thrown.
  const stopped = new AbortController();
  const retry = {
    signal: stopped.signal,
    onRetry: (error: unknown, attempt: number, delayMs: number) =>
      log.warn({ err: error, attempt, delayMs: Math.round(delayMs) }, 'retrying after a transient error'),
  };
  const claims = createPartitionClaims({
    pool,
    source,
    groupId,
    memberName,
    logger: log,
    withRetry: (work) => retryWithBackoff(work, retry),
  });
  let refreshTimer: NodeJS.Timeout | undefined;

  async function onBatch(batch: SourceBatch): Promise<BatchDisposition> {
    const single = options.oneEventPerTransaction;
    if (single === undefined) return onRecords(batch);
    for (const record of batch.records) {
      if ((await onRecords({ ...batch, records: [record] })) === 'rewound') return 'rewound';
      await single.buildViewsNow();
    }
    return 'consumed';
  }

  async function onRecords(batch: SourceBatch): Promise<BatchDisposition> {
    const tp = { topic: batch.topic, partition: batch.partition };
    const claim = await claims.get(tp);
    // Fetched before the claim's seek (or a rebalance): the source fetches again from there.
    if (batch.isStale()) return 'rewound';
    const first = batch.records[0];
    if (first !== undefined && first.offset > claim.nextOffset) {
      // After the claim's seek, a higher first offset is a gap in the log: compaction removed
      // the records in between (or retention did, on a topic without full history).
      log.debug({ ...tp, checkpoint: claim.nextOffset.toString(), first: first.offset.toString() }, 'offset gap');
    }

    const started = process.hrtime.bigint();
    const current = claim;
    let outcome;
    try {
      const batchOptions = {
        ...(options.unappliable === undefined ? {} : { unappliable: options.unappliable }),
        ...(options.decoder === undefined ? {} : { decoder: options.decoder }),
      };
      outcome = await retryWithBackoff(() => applyBatch(pool, groupId, current, batch, batchOptions), {
        ...retry,
        // A long wait (the database or the schema registry away) keeps the membership alive, and
        // ends once a rebalance or a seek has made the batch obsolete.
        retriable: (error) => isRetriable(error) && !batch.isStale(),
        onRetry: (error, attempt, delayMs) => {
          retry.onRetry(error, attempt, delayMs);
          batch.heartbeat().catch(() => undefined);
        },
      });
    } catch (error) {
      if (batch.isStale()) {
        log.info({ ...tp, err: error }, 'batch dropped while retrying: the partition moved on');
        return 'rewound';
      }
      // Retrying cannot help an event that cannot be applied (the owner, a rebuild, stops), nor
      // a missing setting: the process stops, naming it.
      if (error instanceof UnappliableEventError || error instanceof NoSchemaRegistryError) options.onFatal?.(error);
      throw error;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    if (outcome.kind === 'fenced') {
      claims.drop(tp);
      if (assignment.has(key(tp))) {
        // Still ours by the last rebalance: another member claimed it meanwhile (it has left
        // since), an operator moved the checkpoint, or the database lost its last commits.
        // Claim again and seek to the stored offset; the source refetches from there.
        log.warn({ ...tp, reason: outcome.reason, claimed: current.nextOffset.toString() }, 'checkpoint moved; claiming again');
        await claims.reclaim(tp);
      } else {
        log.warn({ ...tp, reason: outcome.reason }, 'partition taken over by another member; batch dropped');
      }
      return 'rewound';
    }

    if (outcome.kind === 'nothing-new') {
      metrics.events.inc({ table: 'any', outcome: 'already_applied' }, outcome.alreadyApplied);
      // Redelivered records only (Kafka's offset lagged the checkpoint): bring Kafka's offset up.
      await source.commit(tp, current.nextOffset).catch((error: unknown) => log.warn({ err: error, ...tp }, 'kafka offset commit failed'));
      return 'consumed';
    }

    claims.advance(tp, { ...current, nextOffset: outcome.nextOffset });
    onCommitted();
    const now = Date.now();
    for (const event of outcome.events) {
      metrics.events.inc({ table: event.table, outcome: 'applied' });
      metrics.applyLatency.observe((now - event.source.tsMs) / 1000);
    }
    // Two hosts' clocks meet here (the database's in source.ts_ms, Connect's in the Kafka
    // timestamp, ours): a negative difference is their skew, counted as 0.
    for (const { sourceTsMs, appendedMs } of outcome.capture) {
      metrics.captureSeconds.observe(Math.max(0, appendedMs - sourceTsMs) / 1000);
      metrics.consumeSeconds.observe(Math.max(0, now - appendedMs) / 1000);
    }
    metrics.events.inc({ table: 'any', outcome: 'skipped' }, outcome.skipped);
    metrics.events.inc({ table: 'any', outcome: 'already_applied' }, outcome.alreadyApplied);
    for (const letter of outcome.deadLetters) metrics.events.inc({ table: tableOfTopic(letter.topic), outcome: 'dead_lettered' });
    metrics.batchSize.observe(batch.records.length);
    metrics.batchSeconds.observe(seconds);
    const labels = { topic: tp.topic, partition: String(tp.partition) };
    metrics.offsetLag.set(labels, Number(batch.highWatermark - outcome.nextOffset));
    const lastTs = outcome.events.reduce((max, e) => Math.max(max, e.source.tsMs), 0);
    if (lastTs > 0) metrics.timeLag.set(labels, (now - lastTs) / 1000);

    for (const letter of outcome.deadLetters) {
      log.error(
        // The labels of projector_events_total{outcome="dead_lettered"} (alert DeadLetters) and the record's position.
        {
          topic: letter.topic,
          partition: letter.partition,
          offset: letter.offset.toString(),
          table: tableOfTopic(letter.topic),
          outcome: 'dead_lettered',
          error_kind: letter.errorKind,
          error: letter.error,
        },
        'dead-lettered',
      );
    }
    if (outcome.deadLetters.length > 0) {
      await publishDeadLetters(outcome.deadLetters).catch((error: unknown) =>
        log.error({ err: error }, 'dead-letter topic publish failed; the table has them'),
      );
    }
    // After the database: Kafka's committed offset never runs ahead of the views.
    await source.commit(tp, outcome.nextOffset).catch((error: unknown) => log.warn({ err: error, ...tp }, 'kafka offset commit failed'));
    log.debug(
      { ...tp, records: batch.records.length, nextOffset: outcome.nextOffset.toString(), ms: Math.round(seconds * 1000) },
      'batch applied',
    );
    return 'consumed';
  }

  return {
    async start(): Promise<void> {
      await source.run({
        onBatch,
        ...(options.onFatal === undefined ? {} : { onFatal: options.onFatal }),
        onRevoked: (partitions) => {
          claims.revoked(partitions);
          // Another member reports these now: a frozen value here would add to every sum.
          for (const tp of partitions) {
            const labels = { topic: tp.topic, partition: String(tp.partition) };
            metrics.offsetLag.remove(labels);
            metrics.timeLag.remove(labels);
          }
        },
        onAssigned: async (partitions) => {
          assignment = new Set(partitions.map(key));
          await claims.assigned(partitions);
        },
      });
      const refresh = () => {
        refreshTimer = setTimeout(() => {
          claims
            .refresh()
            .catch((error: unknown) => log.warn({ err: error }, 'checkpoint refresh failed'))
            .finally(() => {
              if (!stopping) refresh();
            });
        }, checkpointRefreshMs);
      };
      refresh();
    },
    async stop(): Promise<void> {
      stopping = true;
      stopped.abort();
      clearTimeout(refreshTimer);
      await source.stop();
    },
  };
}
