import { Injectable } from '@nestjs/common';
import {
  type CreateSubscriptionRequest,
  type SubscriptionResponse,
  type TenantId,
  type TenantSubscriptionListQuery,
} from '@gatehouse/contracts';
import { SubscriptionRepository, TransactionRunner } from '@gatehouse/db';
import { withArticle } from '@gatehouse/domain';
import { type Actor } from '../auth/authenticated-user';
import { AuditService } from '../audit/audit.service';
import { CreationThrottle } from '../auth/throttle/creation-throttle';
import { ApiError } from '../common/errors/api-error';
import { NotificationsService } from '../notifications/notifications.service';
import { PlanChangeService } from './plan-change.service';
import { SubscriptionAnnouncer } from './subscription-announcer';
import { subscriptionEvent } from './subscription-events';
import { subscriptionSnapshot, toSubscriptionResponse } from './subscription.mapper';

/** A tenant's side of subscriptions: asking for access and reading its grants. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly announcer: SubscriptionAnnouncer,
    private readonly throttle: CreationThrottle,
    private readonly planChanges: PlanChangeService,
  ) {}

  async list(
    tenantId: TenantId,
    query: TenantSubscriptionListQuery,
  ): Promise<{ items: SubscriptionResponse[]; nextCursor: string | null }> {
    const now = new Date();
    const page = await this.subscriptions.listViewsForTenant(tenantId, query, now);
    return { items: page.items.map((row) => toSubscriptionResponse(row, now)), nextCursor: page.nextCursor };
  }

  async get(tenantId: TenantId, subscriptionId: string): Promise<SubscriptionResponse> {
    const row = await this.subscriptions.findViewForTenant(tenantId, subscriptionId);
    if (!row) throw ApiError.notFound('Subscription');
    return toSubscriptionResponse(row, new Date());
  }

  /**
   * A request for a plan of a published product. An auto-approve plan grants at once (no decider); any other
   * waits for an admin. A tenant holds at most one live grant per product and at most one pending request: asking
   * for another plan of a product it holds is a plan change, which replaces the grant when approved (at once for
   * an auto-approve plan, see `PlanChangeService`). An auto-approve plan can be taken while a request for another
   * plan waits; the request then replaces it when approved.
   */
  async request(tenantId: TenantId, body: CreateSubscriptionRequest, actor: Actor): Promise<SubscriptionResponse> {
    await this.throttle.accessRequest(tenantId);
    const now = new Date();
    const { row, notified, replaced } = await this.transactions.run(async (tx) => {
      const subscriptions = new SubscriptionRepository(tx);
      const target = await subscriptions.findTarget(body.productId, body.planId);
      // A draft product is invisible to tenants: it answers like one that does not exist.
      if (!target || target.product.status === 'DRAFT') throw ApiError.notFound('Product');
      const { product, plan } = target;
      if (product.status !== 'PUBLISHED') {
        throw ApiError.badRequest(
          'product_not_available',
          `${product.name} is retired and takes no new subscriptions.`,
        );
      }
      if (!plan) throw ApiError.notFound('Plan');
      if (plan.productId !== product.id) {
        throw ApiError.badRequest('plan_not_in_product', `Plan ${plan.name} is not a plan of ${product.name}.`);
      }
      if (plan.status !== 'ACTIVE') {
        throw ApiError.badRequest('plan_not_available', `Plan ${plan.name} is retired and takes no new subscriptions.`);
      }

      await subscriptions.lockTenantProduct(tenantId, product.id);
      const { approved: current, pending } = await subscriptions.findOpenForProduct(tenantId, product.id, now);
      // Refused: the plan held or already asked for, and, while a request waits, any plan needing a second one.
      const blocking =
        current?.planId === plan.id
          ? current
          : pending && (pending.planId === plan.id || !plan.autoApprove)
            ? pending
            : null;
      if (blocking) {
        throw new ApiError(
          409,
          'subscription_exists',
          `This tenant already has ${withArticle(blocking.status.toLowerCase())} subscription to ${product.name} ` +
            `on plan ${blocking.plan.name}` +
            (blocking.planId === plan.id ? '.' : '; wait for its decision before asking for another plan.'),
          { subscriptionId: blocking.id, status: blocking.status, planId: blocking.planId },
        );
      }

      const approved = plan.autoApprove;
      const created = await subscriptions.createWithPlan(tenantId, {
        productId: product.id,
        planId: plan.id,
        justification: body.justification ?? null,
        requestedById: actor.userId,
        status: approved ? 'APPROVED' : 'PENDING',
        decidedAt: approved ? now : null,
        ...(current ? this.planChanges.successionOf(current) : {}),
      });
      await this.audit.record(tx, {
        actor,
        action: approved ? 'subscription.auto_approve' : 'subscription.request',
        targetType: 'subscription',
        targetId: created.id,
        tenantId,
        before: null,
        after: subscriptionSnapshot(created, now),
      });
      let replaced: string | null = null;
      if (approved) {
        if (current && (await this.planChanges.supersede(tx, current, created, actor, now))) replaced = current.id;
        // The waiting request now changes from this grant.
        if (pending) await subscriptions.setReplaces(tenantId, pending.id, created.id);
      }
      const notified = approved
        ? await this.notifications.notify(tx, tenantId, subscriptionEvent('subscription.approved', created, now))
        : null;
      return { row: created, notified, replaced };
    });
    if (row.status === 'APPROVED') await this.announcer.announce(tenantId, row.id, notified);
    if (replaced) await this.announcer.announce(tenantId, replaced, null);
    return toSubscriptionResponse(row, now);
  }
}
