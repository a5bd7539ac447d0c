import { isInteger, parse } from 'lossless-json';

/**
 * JSON.parse, except that every integer becomes a bigint, so 64-bit ids above 2^53
 * survive (JSON.parse would round 9007199254740993 to ...992). Non-integers stay numbers.
 * Debezium writes int64 columns as bare JSON numbers, hence the need.
 */
export function parseLosslessJson(text: string): unknown {
  return parse(text, null, (value: string) => (isInteger(value) ? BigInt(value) : Number(value)));
}
