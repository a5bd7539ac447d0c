import type { DecodedRecord } from './changeEvent';
import { decodeChangeRecord, type RawRecord } from './decodeChangeRecord';
import type { RecordPosition } from './decodeError';

/** Decodes one record of a batch; throws DecodeError (not retriable) for a record that cannot be applied. */
export type DecodeRecord = (position: RecordPosition, record: RawRecord) => DecodedRecord;

/**
 * How the projector reads the records of one CDC format. `forRecords` gathers what decoding a
 * batch needs (for Avro, the writer schemas its records name, from the registry) and returns the
 * batch's decoder, so decoding itself stays synchronous. It throws a retriable error while what
 * it needs cannot be had (the registry does not answer): the batch is tried again, nothing is
 * dead-lettered for a fault that is not the record's.
 */
export interface ChangeRecordDecoder {
  forRecords(records: readonly RawRecord[]): Promise<DecodeRecord>;
}

/** Connect's JsonConverter without schemas: everything is in the record. */
export const jsonChangeRecords: ChangeRecordDecoder = { forRecords: () => Promise.resolve(decodeChangeRecord) };
