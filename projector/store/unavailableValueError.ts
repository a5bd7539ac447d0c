import { PipelineError } from '../../infra/errors/pipelineError';
import type { UnavailableText } from '../decode/changeEvent';

/**
 * An event with a text column Debezium did not send (its placeholder for an unchanged TOASTed
 * value) that no stored row can fill in. Not retriable: the batch dead-letters the event and the
 * partition goes on. Its dead letter can be replayed once the row's value is stored again (an
 * incremental snapshot of the table sends whole rows).
 */
export class UnavailableValueError extends PipelineError {
  constructor(
    readonly missing: UnavailableText,
    reason: string,
  ) {
    const { topic, partition, offset } = missing.position;
    super(
      `column ${missing.column} of ${missing.table} arrived as Debezium's unavailable-value placeholder and ${reason}: not applied (${topic}/${partition}@${offset})`,
      {
        retriable: false,
        context: missing.position,
      },
    );
  }
}
