import avro from 'avsc';

/**
 * Avro `long` as a bigint. avsc reads a long as a JavaScript number by default, which rounds
 * every id above 2^53; ids here are int64, as they are in the JSON format (parseInt64Json).
 * Logical types built on long (timestamp-millis, ...) are left to avsc.
 */
const ExactLong = avro.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(),
  toBuffer: (value: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON: (value: string | number | bigint) => BigInt(value),
  toJSON: (value: bigint) => value.toString(),
  isValid: (value: unknown) => typeof value === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** A `typeHook` for avsc's `Type.forSchema` (and the schema registry client's Avro options). */
export function exactLongTypeHook(schema: unknown): avro.Type | undefined {
  if (schema === 'long') return ExactLong;
  if (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long' && !('logicalType' in schema)) {
    return ExactLong;
  }
  return undefined;
}
