import pg from 'pg';

/**
 * The statements this process sends to Postgres while it runs, whichever client sends them: Prisma's driver
 * adapter (`createPrismaClient`) runs every query, pooled or in a transaction, through `pg.Client#query`, and so
 * do the migrator and the maintenance helpers. For integration tests that prove a path makes no query (the
 * gateway's warm requests, which must make none); it patches the shared `pg.Client` prototype while it counts, so it
 * never belongs in application code.
 */
export interface PostgresQueryCounter {
  /** Statements sent since the counter started or was last reset. */
  readonly count: number;
  /** Their SQL text, in order, to say which queries ran; never their parameters, which may hold key hashes. */
  readonly statements: readonly string[];
  reset(): void;
  /** Restores `pg.Client#query`; the counter keeps its last readings. */
  stop(): void;
}

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/** Marks the patched function, so that a second counter (which would count everything twice) is refused. */
const COUNTING = Symbol('gatehouse.countPostgresQueries');

/** Starts counting every statement sent through `pg` in this process. Call `stop()` when done. */
export function countPostgresQueries(): PostgresQueryCounter {
  const prototype = pg.Client.prototype as unknown as { query: Query & { [COUNTING]?: true } };
  const original = prototype.query;
  if (original[COUNTING]) throw new Error('Postgres queries are already being counted in this process');
  let statements: string[] = [];
  const counting: Query & { [COUNTING]?: true } = function (this: pg.Client, ...args: unknown[]) {
    statements.push(sqlOf(args[0]));
    return original.apply(this, args);
  };
  counting[COUNTING] = true;
  prototype.query = counting;
  return {
    get count() {
      return statements.length;
    },
    get statements() {
      return statements;
    },
    reset() {
      statements = [];
    },
    stop() {
      if (prototype.query === counting) prototype.query = original;
    },
  };
}

/** `query(text, ...)`, `query({ text, ... })` or `query(submittable)` (a `pg.Query` or a cursor, with `text`). */
function sqlOf(first: unknown): string {
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && 'text' in first && typeof first.text === 'string') {
    return first.text;
  }
  return '(a statement without text)';
}
