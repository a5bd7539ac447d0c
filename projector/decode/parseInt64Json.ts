/**
 * JSON.parse for change events, with 64-bit integers kept exact: an integer of 16 or more
 * digits (2^53 has 16) is quoted before the native parser sees it, so it comes back as a string
 * of its digits behind INT64_MARK (telling it apart from a string the producer wrote);
 * shorter integers are exact as numbers. One pass that only tracks string boundaries,
 * then the native parser: several times faster than a JSON parser written in JavaScript, which
 * mattered on the projector's hot path (see test/bench).
 */
/** U+0001, written as a JSON escape: Debezium never starts a text value with it. */
export const INT64_MARK = '\u0001';
const MARK_ESCAPE = '\\u0001';

/** The exact value of a number as parseInt64Json returns it, or undefined if it is not an integer. */
export function int64Value(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && value.startsWith(INT64_MARK)) return BigInt(value.slice(1));
  return undefined;
}

export function parseInt64Json(text: string): unknown {
  return JSON.parse(quoteLongIntegers(text));
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const PLUS = 0x2b;
const LONG = 16;

export function quoteLongIntegers(text: string): string {
  let out: string[] | undefined;
  let copied = 0;
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string, escapes included.
      for (i += 1; i < length; i += 1) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i += 1;
        else if (d === QUOTE) break;
      }
      continue;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const start = i;
      if (c === MINUS) i += 1;
      const digitsStart = i;
      i = skipDigits(text, i);
      const digits = i - digitsStart;
      let integer = true;
      if (i < length && text.charCodeAt(i) === DOT) {
        integer = false;
        i = skipDigits(text, i + 1);
      }
      if (i < length && (text.charCodeAt(i) === LOWER_E || text.charCodeAt(i) === UPPER_E)) {
        integer = false;
        i += 1;
        if (i < length && (text.charCodeAt(i) === PLUS || text.charCodeAt(i) === MINUS)) i += 1;
        i = skipDigits(text, i);
      }
      if (integer && digits >= LONG) {
        out ??= [];
        out.push(text.slice(copied, start), '"', MARK_ESCAPE, text.slice(start, i), '"');
        copied = i;
      }
      i -= 1;
    }
  }
  if (out === undefined) return text;
  out.push(text.slice(copied));
  return out.join('');
}

function skipDigits(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) >= ZERO && text.charCodeAt(i) <= NINE) i += 1;
  return i;
}
