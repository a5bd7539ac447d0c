import { ID_PATTERN, SEQ_PATTERN } from '../ids/int64Id';

/**
 * JSON-schema pieces shared by the routes. Ids and seqs are decimal strings (int64 does not fit
 * a JSON number); the custom formats registered in httpApp.ts add the range check a pattern
 * cannot express. Text never contains NUL (PostgreSQL text cannot store it) and short names
 * never contain control characters or consist only of blanks.
 */
export const idSchema = { type: 'string', pattern: ID_PATTERN, format: 'int64-id', description: 'int64 id as a decimal string' } as const;
export const seqSchema = {
  type: 'string',
  pattern: SEQ_PATTERN,
  format: 'int64-seq',
  description: 'message seq (int64, ≥ 0) as a decimal string',
} as const;

const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]*$';
const NO_NUL = '^[^\\u0000]*$';
// Unanchored, so checking it is linear in the input (an anchored "some non-blank" pattern backtracks).
const NOT_BLANK = '\\S';

/** A one-line name: no control characters; blank only if minLength is 0. */
export const nameSchema = (maxLength: number, minLength = 1) =>
  minLength > 0
    ? ({ type: 'string', minLength, maxLength, allOf: [{ pattern: NO_CONTROL_CHARACTERS }, { pattern: NOT_BLANK }] } as const)
    : ({ type: 'string', minLength: 0, maxLength, pattern: NO_CONTROL_CHARACTERS } as const);

export const avatarSchema = {
  type: 'string',
  maxLength: 1024,
  pattern: NO_CONTROL_CHARACTERS,
  description: 'avatar URL or key; empty for none',
} as const;

/** Free text (messages, application notes): any character but NUL; may span lines. */
export const textSchema = (maxLength: number, minLength = 0) =>
  minLength > 0
    ? ({ type: 'string', minLength, maxLength, allOf: [{ pattern: NO_NUL }, { pattern: NOT_BLANK }] } as const)
    : ({ type: 'string', maxLength, pattern: NO_NUL } as const);

export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'machine-readable reason, e.g. not_a_member' },
    message: { type: 'string', description: 'human-readable explanation' },
  },
} as const;

/** Params objects: every path parameter is an id. */
export const idParams = <const Names extends readonly string[]>(...names: Names) => ({
  type: 'object',
  required: names,
  additionalProperties: false,
  properties: Object.fromEntries(names.map((n) => [n, idSchema])) as Record<Names[number], typeof idSchema>,
});

export const objectBody = <const Props extends Record<string, unknown>>(
  properties: Props,
  required: readonly (keyof Props & string)[] = [],
  minProperties = 0,
) => ({ type: 'object', additionalProperties: false, required, properties, ...(minProperties > 0 ? { minProperties } : {}) });

/** Responses every authenticated command can give besides its success. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

/** For commands that answer 204 with no body. */
export const noContent = { 204: { type: 'null', description: 'done' }, ...errorResponses } as const;

export const bearerAuth = [{ bearerAuth: [] }];

/**
 * limit and cursor of a list. Both stay strings here (the API coerces nothing) and are checked
 * by parsePageRequest, which answers invalid_limit / invalid_cursor with a reason.
 */
export const pageQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string', description: 'rows per page, 1 to 200; default 50' },
    cursor: { type: 'string', description: 'the nextCursor of the previous page; omit for the first page' },
  },
} as const;
