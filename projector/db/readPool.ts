import { Pool, types } from 'pg';

const INT8 = 20;
const TIMESTAMPTZ = 1184;

/**
 * A pool whose int8 values come back as bigint (never a lossy number) and timestamptz as text
 * in UTC (written back unchanged), as the projector's stores expect.
 */
export function readPool(connectionString: string, max = 10): Pool {
  return new Pool({
    connectionString,
    max,
    options: '-c timezone=UTC',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return (value: string) => BigInt(value);
        if (oid === TIMESTAMPTZ) return (value: string) => value;
        return types.getTypeParser(oid, format);
      }) as typeof types.getTypeParser,
    },
  });
}
