import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PROJECTED_TABLES } from '../decode/changeEvent';

export interface ProjectorMetricsOptions {
  /** Time since the CDC heartbeat topic's end offset last advanced (the member's CDC heartbeat watch). */
  readonly cdcHeartbeatAgeMs: () => number;
  /** The view builder's backlog in this member's read database (read at scrape time). */
  readonly builderBacklog?: () => Promise<{ readonly marks: number; readonly oldestSeconds: number }>;
  /** The group's lag from the offsets it committed to Kafka (read at scrape time). */
  readonly kafkaGroupLag?: () => Promise<
    ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly lag: number }> | undefined
  >;
  readonly registry?: Registry;
}

/** The projector's Prometheus metrics (prefix projector_), on a registry of its own. */
export function createProjectorMetrics({
  cdcHeartbeatAgeMs,
  builderBacklog,
  kafkaGroupLag,
  registry = new Registry(),
}: ProjectorMetricsOptions) {
  collectDefaultMetrics({ register: registry, prefix: 'projector_process_' });
  const partitionLabels = ['topic', 'partition'] as const;
  // One read per scrape for both backlog gauges.
  let backlog: Promise<{ marks: number; oldestSeconds: number } | undefined> | undefined;
  const readBacklog = () => {
    // A database that does not answer must not stall the scrape: no value then, not a hang.
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000).unref());
    backlog ??= Promise.race([builderBacklog?.() ?? Promise.resolve(undefined), timeout])
      .catch(() => undefined)
      .finally(() => setTimeout(() => (backlog = undefined), 500).unref());
    return backlog;
  };
  const events = new Counter({
    name: 'projector_events_total',
    help: 'Change events by source table and outcome (applied, skipped, already_applied, dead_lettered)',
    labelNames: ['table', 'outcome'] as const,
    registers: [registry],
  });
  // The dead-letter series exist at 0 from the start: increase() cannot see the first one of a
  // series that appears at 1, and the DeadLetters alert would miss the first dead letter.
  for (const table of PROJECTED_TABLES) events.inc({ table, outcome: 'dead_lettered' }, 0);
  return {
    registry,
    events,
    batchSize: new Histogram({
      name: 'projector_batch_size',
      help: 'Records per applied partition batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'projector_batch_duration_seconds',
      help: 'Time to apply one partition batch (decode, reference rows, checkpoint commit)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    applyLatency: new Histogram({
      name: 'projector_apply_latency_seconds',
      help: 'Source commit (Debezium source.ts_ms) to the batch commit in im_read; views follow within one builder pass',
      buckets: [0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    // Commit→view in three parts (the same buckets, so they can be put side by side):
    captureSeconds: new Histogram({
      name: 'projector_capture_seconds',
      help: "Part 1 of commit→view: source commit (source.ts_ms) to the record's Kafka timestamp (Debezium polled, converted and sent it)",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    consumeSeconds: new Histogram({
      name: 'projector_consume_seconds',
      help: "Part 2 of commit→view: the record's Kafka timestamp to the commit of the batch that applied it",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    markToViewSeconds: new Histogram({
      name: 'projector_mark_to_view_seconds',
      help: "Part 3 of commit→view, by view: the mark written by the batch (at its end) to the commit of the view rows built from it. A key marked again before it is built keeps its first marking, so the three parts need not add up to one change's commit→view",
      labelNames: ['view'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    offsetLag: new Gauge({
      name: 'projector_partition_offset_lag',
      help: 'High watermark minus the next offset to apply, per partition',
      labelNames: partitionLabels,
      registers: [registry],
    }),
    kafkaGroupLag: new Gauge({
      name: 'projector_kafka_consumer_group_lag',
      help:
        "End offset minus the group's offset committed to Kafka, per partition: what kafka_exporter, Burrow and KEDA see " +
        '(committed after the database, so never ahead of the views); every member reports the whole group',
      labelNames: partitionLabels,
      registers: [registry],
      async collect() {
        const lags = await kafkaGroupLag?.().catch(() => undefined);
        if (lags === undefined) return;
        this.reset();
        for (const l of lags) this.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
      },
    }),
    timeLag: new Gauge({
      name: 'projector_partition_time_lag_seconds',
      help: 'Now minus the source commit time of the last applied event, per partition',
      labelNames: partitionLabels,
      registers: [registry],
    }),
    viewRowsBuilt: new Counter({
      name: 'projector_view_rows_built_total',
      help: 'View rows recomputed by the view builder, by view',
      labelNames: ['view'] as const,
      registers: [registry],
    }),
    builderPassSeconds: new Histogram({
      name: 'projector_view_build_duration_seconds',
      help: 'Time of one view builder pass',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    commitToView: new Histogram({
      name: 'projector_commit_to_view_seconds',
      help: 'Source commit (Debezium source.ts_ms) to the commit of the view rows that show the change, by view: measured per built mark, from the earliest change that marked it since it was last built',
      labelNames: ['view'] as const,
      buckets: [0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    builderMarksWaiting: new Gauge({
      name: 'projector_builder_marks_waiting',
      help: 'View keys marked and not built yet (projection_dirty), in this read database',
      registers: [registry],
      async collect() {
        const found = await readBacklog();
        if (found !== undefined) this.set(found.marks);
      },
    }),
    builderOldestMarkAge: new Gauge({
      name: 'projector_builder_oldest_mark_age_seconds',
      help: 'How long the oldest waiting mark has waited (0 when none)',
      registers: [registry],
      async collect() {
        const found = await readBacklog();
        if (found !== undefined) this.set(found.oldestSeconds);
      },
    }),
    cdcHeartbeatAge: new Gauge({
      name: 'projector_cdc_heartbeat_age_seconds',
      help:
        "Seconds since the Debezium heartbeat topic's end offset last advanced, as seen by this member (since it started if never); " +
        'Debezium writes one every heartbeat.interval.ms (5 s) while it streams',
      registers: [registry],
      collect() {
        this.set(cdcHeartbeatAgeMs() / 1000);
      },
    }),
  };
}

export type ProjectorMetrics = ReturnType<typeof createProjectorMetrics>;
