/**
 * Times leave the query API as ISO-8601 in UTC with all six fractional digits
 * (2024-05-01T12:34:56.123456Z): PostgreSQL keeps microseconds, and a page cursor that dropped
 * them would skip rows whose times differ below the millisecond.
 */
const PG_UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;
const ISO_UTC_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The ISO form of a timestamptz as a session with timezone=UTC and datestyle=ISO prints it
 * (`2024-05-01 12:34:56.1234+00`). Years outside 0001..9999 and ±infinity have no such form;
 * the read models hold none, so one is a bug and throws.
 */
export function isoFromPgTimestamptz(text: string): string {
  const parts = PG_UTC_TEXT.exec(text);
  if (parts === null) throw new Error(`timestamptz text "${text}" is not in the UTC ISO form the query pool asks for`);
  const [, date, time, fraction = ''] = parts;
  return `${date}T${time}.${fraction.padEnd(6, '0')}Z`;
}

export function isoFromPgTimestamptzOrNull(text: string | null): string | null {
  return text === null ? null : isoFromPgTimestamptz(text);
}

/** True for the exact form isoFromPgTimestamptz gives, naming a real calendar instant. */
export function isIsoUtcMicros(text: string): boolean {
  if (!ISO_UTC_MICROS.test(text)) return false;
  const millis = `${text.slice(0, 23)}Z`;
  const parsed = new Date(millis);
  // Date rolls 2024-02-30 over to March instead of refusing it: only a round trip proves it real.
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === millis && !text.startsWith('0000');
}
