import { createHash } from 'node:crypto';

/** `prevHash` of the first event of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit event that its hash covers: everything but the hash columns and the sequence. */
export interface AuditEventContent {
  id: string;
  actorUserId: string | null;
  actorIp: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
}

/**
 * JSON with object keys sorted at every depth, so that the same event always serialises to the same bytes,
 * whatever order a JSON column hands its keys back in (Postgres `jsonb` reorders them).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** `sha256(prevHash || canonical(event))`, hex. */
export function auditEventHash(prevHash: string, event: AuditEventContent): string {
  // Only the content fields: the chain columns (and any extra property of the caller's row) are not hashed.
  const content = canonicalJson({
    id: event.id,
    actorUserId: event.actorUserId,
    actorIp: event.actorIp,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    tenantId: event.tenantId,
    before: event.before,
    after: event.after,
    createdAt: event.createdAt.toISOString(),
  });
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

export interface ChainedAuditEvent extends AuditEventContent {
  seq: bigint;
  prevHash: string;
  hash: string;
}

export type ChainBreak =
  | { kind: 'altered'; seq: bigint; id: string; message: string }
  | { kind: 'broken-link'; seq: bigint; id: string; message: string };

/**
 * Walks events in `seq` order from `expectedPrevHash` and returns the first that does not fit: a row whose
 * hash does not match its content (altered), or whose `prevHash` is not the previous row's hash (a row was
 * inserted or deleted before it). An altered row is named by the chain itself; a row deleted at the end of
 * the chain is caught by comparing the last hash with one kept elsewhere (the caller's job).
 */
export function findChainBreak(events: Iterable<ChainedAuditEvent>, expectedPrevHash: string): ChainBreak | null {
  let previous = expectedPrevHash;
  for (const event of events) {
    if (event.prevHash !== previous) {
      return {
        kind: 'broken-link',
        seq: event.seq,
        id: event.id,
        message: `event ${event.seq} does not follow the event before it: a row was inserted or deleted`,
      };
    }
    if (auditEventHash(event.prevHash, event) !== event.hash) {
      return {
        kind: 'altered',
        seq: event.seq,
        id: event.id,
        message: `event ${event.seq} was altered after it was written`,
      };
    }
    previous = event.hash;
  }
  return null;
}
