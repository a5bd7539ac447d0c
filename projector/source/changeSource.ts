export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** One record as the transport delivers it: undecoded. */
export interface SourceRecord {
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** When Kafka took the record (its timestamp: the producer's, Connect's, clock), if known. */
  readonly appendedMs?: number;
}

/** Records of one partition in offset order: what applyBatch applies. */
export interface PartitionBatch extends TopicPartition {
  readonly records: readonly SourceRecord[];
}

export interface SourceBatch extends PartitionBatch {
  /** The partition's end offset when the batch was fetched (for lag). */
  readonly highWatermark: bigint;
  /** Keeps the group membership alive during a long batch. */
  heartbeat(): Promise<void>;
  /** True once a seek or a rebalance has made this batch obsolete: drop it. */
  isStale(): boolean;
}

/**
 * What became of a batch: `consumed` moves the source past its last record; `rewound` means the
 * handler called seek, and the source must fetch from there instead.
 */
export type BatchDisposition = 'consumed' | 'rewound';

export interface ChangeSourceHandlers {
  onBatch(batch: SourceBatch): Promise<BatchDisposition>;
  /** After every rebalance, with the member's whole assignment. */
  onAssigned?(partitions: readonly TopicPartition[]): Promise<void> | void;
  /** Partitions this member had and lost in a rebalance. */
  onRevoked?(partitions: readonly TopicPartition[]): Promise<void> | void;
  /** The transport gave up for good (it will not restart itself): the process should exit. */
  onFatal?(error: Error): void;
}

/**
 * The projector's view of the transport: batches per partition, assignment changes, commits,
 * seeks and flow control. The kafkajs adapter implements it; another client can.
 */
export interface ChangeSource {
  run(handlers: ChangeSourceHandlers): Promise<void>;
  /** Commits `offset` as the next offset to read (Kafka's convention), for lag tools. */
  commit(partition: TopicPartition, offset: bigint): Promise<void>;
  seek(partition: TopicPartition, offset: bigint): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  stop(): Promise<void>;
}
