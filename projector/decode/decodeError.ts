import { PipelineError } from '../../infra/errors/pipelineError';

/** Where a record sits in Kafka; every error about a record names it. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * A record that can never be applied as it is (malformed, wrong shape, unsupported operation).
 * Not retriable: it goes to the dead letters and the partition moves on.
 */
export class DecodeError extends PipelineError {
  constructor(
    message: string,
    readonly position: RecordPosition,
  ) {
    super(`${message} (${position.topic}/${position.partition}@${position.offset})`, { retriable: false, context: position });
  }
}
