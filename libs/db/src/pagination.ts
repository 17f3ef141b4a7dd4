/** Keyset pagination by id, the shape every list of the admin API returns (`{ items, nextCursor }`). */
export interface PageRequest {
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
  limit?: number | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function pageSize(request: PageRequest = {}): number {
  const limit = request.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit)));
}

/** Prisma arguments for one page: one row more than asked, to know whether another page follows. */
export function pageArgs(request: PageRequest = {}): { take: number; skip?: number; cursor?: { id: string } } {
  const take = pageSize(request) + 1;
  return request.cursor ? { take, skip: 1, cursor: { id: request.cursor } } : { take };
}

/** Cuts the extra row off and turns it into the cursor of the next page. */
export function toPage<T extends { id: string }>(rows: T[], request: PageRequest = {}): Page<T> {
  const size = pageSize(request);
  if (rows.length <= size) return { items: rows, nextCursor: null };
  const items = rows.slice(0, size);
  return { items, nextCursor: items[items.length - 1]?.id ?? null };
}
