/** The paging part of a list request, checked here so a bad one gets a 400 that says what is wrong. */

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

export type PageRequest<Position> =
  | { readonly ok: true; readonly limit: number; readonly after: Position | null }
  | { readonly ok: false; readonly error: 'invalid_limit' | 'invalid_cursor'; readonly message: string };

/**
 * `limit` is a decimal integer from 1 to MAX_PAGE_LIMIT (default DEFAULT_PAGE_LIMIT); `cursor`
 * is a nextCursor this API gave for the same list. An empty cursor means the first page, as
 * clients that send `cursor=` for "none" expect.
 */
export function parsePageRequest<Position>(
  query: { readonly limit?: string | undefined; readonly cursor?: string | undefined },
  decodeCursor: (cursor: string) => Position | undefined,
): PageRequest<Position> {
  let limit = DEFAULT_PAGE_LIMIT;
  if (query.limit !== undefined) {
    limit = /^[0-9]{1,4}$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
      return { ok: false, error: 'invalid_limit', message: `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}` };
    }
  }
  if (query.cursor === undefined || query.cursor === '') return { ok: true, limit, after: null };
  const after = decodeCursor(query.cursor);
  if (after === undefined) {
    return { ok: false, error: 'invalid_cursor', message: 'cursor is not a nextCursor of this list; omit it to start from the first page' };
  }
  return { ok: true, limit, after };
}
