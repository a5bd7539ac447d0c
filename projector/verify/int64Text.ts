/**
 * Orders int64 values given as PostgreSQL's decimal text ("-12", "9223372036854775807")
 * numerically without converting them: a JS number would round ids above 2^53, and BigInt
 * per key of a million-row merge is needless work. Relies on the canonical form PostgreSQL
 * prints (no '+', no leading zeros), which isInt64Text checks.
 */

const INT64_TEXT = /^(0|-?[1-9]\d{0,18})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function isInt64Text(value: string): boolean {
  if (!INT64_TEXT.test(value)) return false;
  const parsed = BigInt(value);
  return parsed >= INT64_MIN && parsed <= INT64_MAX;
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function compareInt64Text(a: string, b: string): number {
  const aNegative = a.startsWith('-');
  const bNegative = b.startsWith('-');
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  const magnitude = compareMagnitude(aNegative ? a.slice(1) : a, bNegative ? b.slice(1) : b);
  // 0 - x, not -x: equal negatives must compare as 0, not -0.
  return aNegative ? 0 - magnitude : magnitude;
}

function compareMagnitude(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
