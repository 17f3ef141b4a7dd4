import { Injectable } from '@nestjs/common';
import { asTenantId } from '@gatehouse/contracts';
import { type DbTransaction, type SubscriptionWithPlan, SubscriptionRepository } from '@gatehouse/db';
import { transition } from '@gatehouse/domain';
import { type Actor } from '../auth/authenticated-user';
import { AuditService } from '../audit/audit.service';
import { subscriptionSnapshot } from './subscription.mapper';

/** What the successor of a replaced grant stores: which grant it replaced and whose counters it carries on. */
export interface Succession {
  replacesSubscriptionId: string;
  limitsScopeId: string;
}

/**
 * A plan change: the grant that takes over a product from the tenant's current one, in the caller's transaction,
 * so that readers (the gateway's snapshot load among them) see either the old grant or the new one, never both
 * and never neither.
 *
 * Limits carry over instead of starting again: the successor keeps its predecessor's `limitsScopeId`, and the
 * gateway keys every counter (period quotas and budget, rate buckets, concurrency leases) of a subscription by
 * that id. So usage already counted this day and month counts against the new plan's limits (an upgrade does not
 * grant a second budget, a downgrade above its new cap is refused until the period rolls over), and requests
 * admitted under the old grant settle into the same counters.
 */
@Injectable()
export class PlanChangeService {
  constructor(private readonly audit: AuditService) {}

  /** The succession a grant replacing `current` stores (set it on the new row as it is created or approved). */
  successionOf(current: SubscriptionWithPlan): Succession {
    return { replacesSubscriptionId: current.id, limitsScopeId: current.limitsScopeId ?? current.id };
  }

  /**
   * Ends `current` as SUPERSEDED by `successor`, scopes every key scoped to it to the successor too and moves its
   * alert rules there. Resolves false when `current` was no longer approved (revoked or expired meanwhile): then
   * nothing is replaced.
   */
  async supersede(
    tx: DbTransaction,
    current: SubscriptionWithPlan,
    successor: SubscriptionWithPlan,
    actor: Actor,
    now: Date,
  ): Promise<boolean> {
    const subscriptions = new SubscriptionRepository(tx);
    const ended = await subscriptions.decide(current.id, 'APPROVED', {
      status: transition('APPROVED', 'SUPERSEDED'),
      decidedById: actor.userId,
      decidedAt: now,
      reason: `Replaced by plan ${successor.plan.name}.`,
    });
    if (!ended) return false;
    const tenantId = asTenantId(successor.tenantId);
    await subscriptions.carryKeyScopes(tenantId, current.id, successor.id);
    await subscriptions.carryAlertRules(tenantId, current.id, successor.id);
    await this.audit.record(tx, {
      actor,
      action: 'subscription.supersede',
      targetType: 'subscription',
      targetId: current.id,
      tenantId: current.tenantId,
      before: subscriptionSnapshot(current, now),
      after: { ...subscriptionSnapshot(ended, now), replacedBy: successor.id },
    });
    return true;
  }
}
