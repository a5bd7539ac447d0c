/** Where in Kafka an error happened, when it concerns one record. */
export interface ErrorContext {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;
}

export interface PipelineErrorOptions {
  /** Whether the same work, tried again, can succeed. False unless said otherwise. */
  readonly retriable?: boolean;
  readonly context?: ErrorContext;
  readonly cause?: unknown;
}

/**
 * The base of the project's own errors, as kafkajs's KafkaJSError is of its: `retriable` tells a
 * retry loop whether to try again (retryWithBackoff and waitFor read it), `context` names the
 * record it concerns. Errors of libraries (pg, kafkajs) are classified where they are caught
 * instead: see isRetriable.
 */
export class PipelineError extends Error {
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(message: string, { retriable = false, context = {}, cause }: PipelineErrorOptions = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.retriable = retriable;
    this.context = context;
  }
}
