import { z } from 'zod';

const isoDate = z.iso.datetime({ offset: true });

export const auditListQuerySchema = z.object({
  tenantId: z.uuid().optional(),
  actorUserId: z.uuid().optional(),
  /** Exact action, e.g. `subscription.approve`. */
  action: z.string().min(1).max(200).optional(),
  targetType: z.string().min(1).max(100).optional(),
  targetId: z.string().min(1).max(200).optional(),
  /** Inclusive lower bound of `createdAt`. */
  from: isoDate.optional(),
  /** Exclusive upper bound of `createdAt`. */
  to: isoDate.optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

/** The tenant's own trail: the same filters, without `tenantId` (it is the path's). */
export const tenantAuditListQuerySchema = auditListQuerySchema.omit({ tenantId: true });

export const auditEventSchema = z.object({
  id: z.uuid(),
  /** The chain position, a bigint, as a string. */
  seq: z.string(),
  actorUserId: z.string().nullable(),
  /** The actor as they are now; null for a system action or a deleted user. */
  actorEmail: z.string().nullable(),
  actorName: z.string().nullable(),
  actorIp: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  tenantId: z.string().nullable(),
  /** The tenant's current name; null when there is no tenant or it was deleted. */
  tenantName: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: z.string(),
  hash: z.string(),
});

export const auditEventListSchema = z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() });

/**
 * `{ ok: true, count, lastHash }` or `{ ok: false, count, firstBadEvent }`. One object schema with optional
 * members rather than a union, so that it can back a response DTO class.
 */
export const auditVerifyResultSchema = z.object({
  ok: z.boolean(),
  /** Events checked; when broken, up to and including the bad one. */
  count: z.number().int(),
  /**
   * When ok: hash of the last event (the genesis hash for an empty trail). Compare it with a copy kept
   * elsewhere to catch events removed from the end, which the chain alone cannot show.
   */
  lastHash: z.string().optional(),
  /** When not ok: the first event that does not fit. */
  firstBadEvent: z
    .object({
      seq: z.string(),
      id: z.string(),
      /** `altered` (content does not match its hash) or `broken-link` (a row was inserted or removed before it). */
      kind: z.enum(['altered', 'broken-link']),
      message: z.string(),
    })
    .optional(),
});

export type AuditListQuery = z.infer<typeof auditListQuerySchema>;
export type AuditEventResponse = z.infer<typeof auditEventSchema>;
export type AuditVerifyResult = z.infer<typeof auditVerifyResultSchema>;
