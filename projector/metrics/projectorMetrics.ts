import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ProjectorMetricsOptions {
  /** Time since the CDC heartbeat topic's end offset last advanced (the member's CDC heartbeat watch). */
  readonly cdcHeartbeatAgeMs: () => number;
  readonly registry?: Registry;
}

/** The projector's Prometheus metrics (prefix projector_), on a registry of its own. */
export function createProjectorMetrics({ cdcHeartbeatAgeMs, registry = new Registry() }: ProjectorMetricsOptions) {
  collectDefaultMetrics({ register: registry, prefix: 'projector_process_' });
  const partitionLabels = ['topic', 'partition'] as const;
  return {
    registry,
    events: new Counter({
      name: 'projector_events_total',
      help: 'Change events by source table and outcome (applied, skipped, already_applied, dead_lettered)',
      labelNames: ['table', 'outcome'] as const,
      registers: [registry],
    }),
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
    offsetLag: new Gauge({
      name: 'projector_partition_offset_lag',
      help: 'High watermark minus the next offset to apply, per partition',
      labelNames: partitionLabels,
      registers: [registry],
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
