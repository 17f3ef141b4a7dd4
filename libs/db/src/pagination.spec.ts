import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageArgs, pageSize, toPage } from './pagination';

const rows = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `id-${index}` }));

describe('pagination', () => {
  it('clamps the page size to 1..MAX and defaults it', () => {
    expect(pageSize()).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSize({ limit: 0 })).toBe(1);
    expect(pageSize({ limit: 10_000 })).toBe(MAX_PAGE_SIZE);
    expect(pageSize({ limit: 7.9 })).toBe(7);
    expect(pageSize({ limit: Number.NaN })).toBe(DEFAULT_PAGE_SIZE);
  });

  it('asks for one row more than the page, after the cursor row', () => {
    expect(pageArgs({ limit: 10 })).toEqual({ take: 11 });
    expect(pageArgs({ limit: 10, cursor: 'abc' })).toEqual({ take: 11, skip: 1, cursor: { id: 'abc' } });
  });

  it('turns the extra row into the next cursor', () => {
    expect(toPage(rows(11), { limit: 10 })).toEqual({ items: rows(10), nextCursor: 'id-9' });
    expect(toPage(rows(10), { limit: 10 })).toEqual({ items: rows(10), nextCursor: null });
    expect(toPage([], { limit: 10 })).toEqual({ items: [], nextCursor: null });
  });
});
