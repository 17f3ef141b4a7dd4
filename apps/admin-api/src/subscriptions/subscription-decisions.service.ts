import { Injectable } from '@nestjs/common';
import {
  type AdminSubscriptionListQuery,
  type AdminSubscriptionResponse,
  type ApproveSubscriptionRequest,
  asTenantId,
  type Limits,
} from '@gatehouse/contracts';
import {
  type Prisma,
  type SubscriptionDecisionData,
  type SubscriptionForAdmin,
  type SubscriptionWithPlan,
  SubscriptionRepository,
  TransactionRunner,
} from '@gatehouse/db';
import {
  effectiveStatus,
  InvalidSubscriptionTransitionError,
  type SubscriptionStatus,
  transition,
} from '@gatehouse/domain';
import { type Actor } from '../auth/authenticated-user';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/errors/api-error';
import { NotificationsService } from '../notifications/notifications.service';
import { PlanChangeService } from './plan-change.service';
import { SubscriptionAnnouncer } from './subscription-announcer';
import { type SubscriptionEventKind, subscriptionEvent } from './subscription-events';
import { subscriptionSnapshot, toAdminSubscriptionResponse } from './subscription.mapper';

/** The system as an actor: what the expiry sweep records in the audit trail. */
const SYSTEM_ACTOR: Actor = { userId: null, ip: null };

interface Decision {
  to: SubscriptionStatus;
  action: string;
  event: SubscriptionEventKind;
  data: (current: SubscriptionForAdmin, now: Date) => Omit<SubscriptionDecisionData, 'status'>;
  /** Extra checks against the current row, inside the transaction. */
  check?: (current: SubscriptionForAdmin, subscriptions: SubscriptionRepository) => Promise<void>;
  /** An approval takes over from the tenant's current grant on the product, if any (a plan change). */
  replacesCurrent?: boolean;
}

/**
 * The platform admin's side: the approval queue and every decision (approve, reject, revoke), plus expiry.
 * Each decision is one transaction (the state change, its audit event, the tenant's notification and webhook
 * deliveries), announced to gateways after it commits.
 */
@Injectable()
export class SubscriptionDecisionsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly announcer: SubscriptionAnnouncer,
    private readonly planChanges: PlanChangeService,
  ) {}

  async list(
    query: AdminSubscriptionListQuery,
  ): Promise<{ items: AdminSubscriptionResponse[]; nextCursor: string | null }> {
    const now = new Date();
    const page = await this.subscriptions.listForAdmin(query, now);
    return { items: page.items.map((row) => toAdminSubscriptionResponse(row, now)), nextCursor: page.nextCursor };
  }

  async get(subscriptionId: string): Promise<AdminSubscriptionResponse> {
    const row = await this.subscriptions.findForAdmin(subscriptionId);
    if (!row) throw ApiError.notFound('Subscription');
    return toAdminSubscriptionResponse(row, new Date());
  }

  approve(subscriptionId: string, body: ApproveSubscriptionRequest, actor: Actor): Promise<AdminSubscriptionResponse> {
    const now = new Date();
    const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw ApiError.badRequest('expires_at_in_past', 'expiresAt must be in the future.', [
        { field: 'expiresAt', reason: 'must be in the future' },
      ]);
    }
    const overrides = body.limits && Object.keys(body.limits).length > 0 ? body.limits : null;
    return this.decide(
      subscriptionId,
      actor,
      {
        to: 'APPROVED',
        action: 'subscription.approve',
        event: 'subscription.approved',
        data: (_current, decidedAt) => ({
          decidedById: actor.userId,
          decidedAt,
          limitOverrides: overrides as Prisma.InputJsonValue | null,
          expiresAt,
          reason: null,
        }),
        check: (current, subscriptions) => assertKnownModels(overrides, current, subscriptions),
        replacesCurrent: true,
      },
      now,
    );
  }

  reject(subscriptionId: string, reason: string, actor: Actor): Promise<AdminSubscriptionResponse> {
    return this.decide(subscriptionId, actor, {
      to: 'REJECTED',
      action: 'subscription.reject',
      event: 'subscription.rejected',
      data: (_current, decidedAt) => ({ decidedById: actor.userId, decidedAt, reason }),
    });
  }

  revoke(subscriptionId: string, reason: string | undefined, actor: Actor): Promise<AdminSubscriptionResponse> {
    return this.decide(subscriptionId, actor, {
      to: 'REVOKED',
      action: 'subscription.revoke',
      event: 'subscription.revoked',
      data: (_current, decidedAt) => ({ decidedById: actor.userId, decidedAt, reason: reason ?? null }),
    });
  }

  /**
   * Marks one approved grant past its expiry EXPIRED (the sweep's unit of work), recorded as done by the
   * system. Resolves false when there was nothing to do (not due any more, or already decided).
   */
  async expire(subscriptionId: string, now: Date = new Date()): Promise<boolean> {
    const result = await this.transactions.run(async (tx) => {
      const subscriptions = new SubscriptionRepository(tx);
      const current = await subscriptions.findForAdmin(subscriptionId);
      if (
        !current ||
        current.status !== 'APPROVED' ||
        effectiveStatus('APPROVED', current.expiresAt, now) !== 'EXPIRED'
      ) {
        return null;
      }
      const updated = await subscriptions.decide(
        subscriptionId,
        'APPROVED',
        { status: transition('APPROVED', 'EXPIRED') },
        now,
      );
      if (!updated) return null;
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: 'subscription.expire',
        targetType: 'subscription',
        targetId: subscriptionId,
        tenantId: current.tenantId,
        // The stored status: the row said APPROVED until now, whatever reads computed.
        before: { ...subscriptionSnapshot(current, now), status: current.status },
        after: subscriptionSnapshot(updated, now),
      });
      const notified = await this.notifications.notify(
        tx,
        asTenantId(current.tenantId),
        subscriptionEvent('subscription.expired', updated, now),
      );
      return { updated, notified };
    });
    if (!result) return false;
    await this.announcer.announce(result.updated.tenantId, result.updated.id, result.notified);
    return true;
  }

  private async decide(
    subscriptionId: string,
    actor: Actor,
    decision: Decision,
    now: Date = new Date(),
  ): Promise<AdminSubscriptionResponse> {
    const { updated, notified, replaced } = await this.transactions.run(async (tx) => {
      const subscriptions = new SubscriptionRepository(tx);
      const current = await subscriptions.findForAdmin(subscriptionId);
      if (!current) throw ApiError.notFound('Subscription');
      // The status reads show: an approved grant past its expiry cannot be revoked, it has expired.
      const from = effectiveStatus(current.status, current.expiresAt, now);
      assertTransition(from, decision.to);
      await decision.check?.(current, subscriptions);

      // The grant a plan change replaces is the tenant's grant at approval time (it may have changed since the
      // request: an auto-approve plan taken meanwhile, or the old grant revoked), read under the same lock as
      // requests take, so a concurrent request cannot add a third grant.
      let predecessor: SubscriptionWithPlan | null = null;
      if (decision.replacesCurrent) {
        const tenantId = asTenantId(current.tenantId);
        await subscriptions.lockTenantProduct(tenantId, current.productId);
        predecessor = (await subscriptions.findOpenForProduct(tenantId, current.productId, now)).approved;
      }
      const changed = await subscriptions.decide(subscriptionId, current.status, {
        status: decision.to,
        ...decision.data(current, now),
        ...(decision.replacesCurrent
          ? predecessor
            ? this.planChanges.successionOf(predecessor)
            : { replacesSubscriptionId: null, limitsScopeId: null }
          : {}),
      });
      // Another admin decided between our read and our write: answer as if we had read their decision.
      if (!changed) {
        const latest = await subscriptions.findForAdmin(subscriptionId);
        assertTransition(latest ? effectiveStatus(latest.status, latest.expiresAt, now) : from, decision.to);
        throw ApiError.conflict('invalid_transition', 'The subscription changed meanwhile; read it again.');
      }
      // Both in this transaction: no reader sees the old and the new grant at once, nor neither.
      const replaced =
        predecessor && (await this.planChanges.supersede(tx, predecessor, changed, actor, now)) ? predecessor.id : null;
      await this.audit.record(tx, {
        actor,
        action: decision.action,
        targetType: 'subscription',
        targetId: subscriptionId,
        tenantId: current.tenantId,
        before: subscriptionSnapshot(current, now),
        after: subscriptionSnapshot(changed, now),
      });
      const notified = await this.notifications.notify(
        tx,
        asTenantId(current.tenantId),
        subscriptionEvent(decision.event, changed, now),
      );
      return { updated: changed, notified, replaced };
    });
    await this.announcer.announce(updated.tenantId, updated.id, notified);
    if (replaced) await this.announcer.announce(updated.tenantId, replaced, null);
    return toAdminSubscriptionResponse(updated, now);
  }
}

function assertTransition(from: SubscriptionStatus, to: SubscriptionStatus): void {
  try {
    transition(from, to);
  } catch (error) {
    if (error instanceof InvalidSubscriptionTransitionError) {
      throw new ApiError(409, 'invalid_transition', error.message, { from, to });
    }
    throw error;
  }
}

/** Approval may narrow (or widen) the models, but only to models the product has. */
async function assertKnownModels(
  overrides: Limits | null,
  current: SubscriptionForAdmin,
  subscriptions: SubscriptionRepository,
): Promise<void> {
  const wanted = overrides?.allowedModels;
  if (!wanted) return;
  if (wanted.length === 0) {
    // An empty list would read as "no model" to some and "every model" to others; the contract spells the latter null.
    throw ApiError.badRequest(
      'empty_model_list',
      'allowedModels must name at least one model; null allows every model.',
      [{ field: 'limits.allowedModels', reason: 'must not be empty' }],
    );
  }
  const known = new Set(await subscriptions.listProductModelAliases(current.productId));
  const unknown = wanted.filter((alias) => !known.has(alias));
  if (unknown.length > 0) {
    throw ApiError.badRequest(
      'unknown_model',
      `${current.product.name} has no model ${unknown.join(', ')}.`,
      unknown.map(() => ({ field: 'limits.allowedModels', reason: 'not a model of this product' })),
    );
  }
}
