/**
 * Ids travel as decimal strings in JSON so values above 2^53 survive every client. A valid id
 * is a positive int64: digits without a leading zero, at most 9223372036854775807.
 */
export const MAX_INT64 = 9_223_372_036_854_775_807n;
export const ID_PATTERN = '^[1-9][0-9]{0,18}$';
const idPattern = new RegExp(ID_PATTERN);

export function isInt64Id(value: string): boolean {
  return idPattern.test(value) && BigInt(value) <= MAX_INT64;
}

/** The id as a bigint, or undefined when the text is not a valid id. */
export function parseInt64Id(value: string): bigint | undefined {
  return isInt64Id(value) ? BigInt(value) : undefined;
}

/** A message seq: like an id, but 0 (before the first message) is valid too. */
export const SEQ_PATTERN = '^(0|[1-9][0-9]{0,18})$';
const seqPattern = new RegExp(SEQ_PATTERN);

export function isInt64Seq(value: string): boolean {
  return seqPattern.test(value) && BigInt(value) <= MAX_INT64;
}
