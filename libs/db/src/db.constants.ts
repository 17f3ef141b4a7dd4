/** The primary (read-write) Prisma client. */
export const PRISMA_CLIENT = Symbol('PRISMA_CLIENT');
/** A client on DATABASE_READ_URL for dashboard reads; the primary when no replica is configured. */
export const PRISMA_READ_CLIENT = Symbol('PRISMA_READ_CLIENT');
