import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, parsePageRequest } from './pageRequest';

const decode = (cursor: string) => (cursor === 'good' ? { at: 1 } : undefined);

describe('parsePageRequest', () => {
  it('starts at the top with the default limit', () => {
    expect(parsePageRequest({}, decode)).toEqual({ ok: true, limit: DEFAULT_PAGE_LIMIT, after: null });
  });

  it('treats an empty cursor as none', () => {
    expect(parsePageRequest({ cursor: '' }, decode)).toEqual({ ok: true, limit: DEFAULT_PAGE_LIMIT, after: null });
  });

  it.each(['1', '50', String(MAX_PAGE_LIMIT), '007'])('accepts limit=%s', (limit) => {
    expect(parsePageRequest({ limit }, decode)).toEqual({ ok: true, limit: Number(limit), after: null });
  });

  it.each(['0', String(MAX_PAGE_LIMIT + 1), '-1', '1.5', '1e2', ' 5', '', 'ten', '99999999999999999999'])('refuses limit=%j', (limit) => {
    expect(parsePageRequest({ limit }, decode)).toEqual({ ok: false, error: 'invalid_limit', message: expect.stringContaining('limit') });
  });

  it('hands back the decoded position', () => {
    expect(parsePageRequest({ limit: '3', cursor: 'good' }, decode)).toEqual({ ok: true, limit: 3, after: { at: 1 } });
  });

  it('refuses a cursor its decoder refuses', () => {
    expect(parsePageRequest({ cursor: 'bad' }, decode)).toEqual({
      ok: false,
      error: 'invalid_cursor',
      message: expect.stringContaining('cursor'),
    });
  });
});
