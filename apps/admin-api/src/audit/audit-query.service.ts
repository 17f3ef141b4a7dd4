import { Injectable } from '@nestjs/common';
import {
  type AuditEventResponse,
  type AuditListQuery,
  type AuditVerifyResult,
  type TenantId,
} from '@gatehouse/contracts';
import { type AuditEvent, type AuditEventFilter, type AuditNames, AuditRepository } from '@gatehouse/db';
import { findChainBreak, GENESIS_HASH } from '@gatehouse/domain';

/** Events read per query while verifying: memory stays bounded by one page, whatever the trail's length. */
const VERIFY_PAGE_SIZE = 1_000;

/** Reading and verifying the audit trail (writing is `AuditService.record`, in each write's transaction). */
@Injectable()
export class AuditQueryService {
  constructor(private readonly audit: AuditRepository) {}

  async list(query: AuditListQuery): Promise<{ items: AuditEventResponse[]; nextCursor: string | null }> {
    const page = await this.audit.list(toFilter(query));
    const names = await this.audit.names(page.items);
    return { items: page.items.map((event) => toResponse(event, names)), nextCursor: page.nextCursor };
  }

  async listForTenant(
    tenantId: TenantId,
    query: Omit<AuditListQuery, 'tenantId'>,
  ): Promise<{ items: AuditEventResponse[]; nextCursor: string | null }> {
    const page = await this.audit.listForTenant(tenantId, toFilter(query));
    const names = await this.audit.names(page.items);
    // Platform admins act on tenants too; where they connect from is not the tenant's business.
    return {
      items: page.items.map((event) => ({ ...toResponse(event, names), actorIp: null })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Walks the whole chain in `seq` order, a page at a time, carrying the previous hash from page to page, and
   * stops at the first event that does not fit. Events appended while it runs are checked too (it reads until
   * a page comes back short). A removal of the newest events is not visible from inside the chain: compare
   * `lastHash` with a copy kept elsewhere.
   */
  async verify(): Promise<AuditVerifyResult> {
    let previousHash = GENESIS_HASH;
    let afterSeq: bigint | null = null;
    let count = 0;
    for (;;) {
      const page: AuditEvent[] = await this.audit.chainPage(afterSeq, VERIFY_PAGE_SIZE);
      const broken = findChainBreak(page, previousHash);
      if (broken) {
        const checked = page.findIndex((event) => event.seq === broken.seq) + 1;
        return {
          ok: false,
          count: count + checked,
          firstBadEvent: { seq: broken.seq.toString(), id: broken.id, kind: broken.kind, message: broken.message },
        };
      }
      count += page.length;
      const last = page[page.length - 1];
      if (last) {
        previousHash = last.hash;
        afterSeq = last.seq;
      }
      if (page.length < VERIFY_PAGE_SIZE) return { ok: true, count, lastHash: previousHash };
    }
  }
}

function toFilter(query: Omit<AuditListQuery, 'tenantId'> & { tenantId?: string }): AuditEventFilter {
  return {
    tenantId: query.tenantId,
    actorUserId: query.actorUserId,
    action: query.action,
    targetType: query.targetType,
    targetId: query.targetId,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    cursor: query.cursor,
    limit: query.limit,
  };
}

function toResponse(event: AuditEvent, names: AuditNames): AuditEventResponse {
  const actor = event.actorUserId ? names.users.get(event.actorUserId) : undefined;
  return {
    id: event.id,
    seq: event.seq.toString(),
    actorUserId: event.actorUserId,
    actorEmail: actor?.email ?? null,
    actorName: actor?.name ?? null,
    actorIp: event.actorIp,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    tenantId: event.tenantId,
    tenantName: event.tenantId ? (names.tenants.get(event.tenantId) ?? null) : null,
    before: event.before,
    after: event.after,
    createdAt: event.createdAt.toISOString(),
    hash: event.hash,
  };
}
