import { Injectable, Logger } from '@nestjs/common';
import {
  type CreatePlanRequest,
  type InvalidationMessage,
  type Limits,
  type PlanListQuery,
  type PlanListResponse,
  type PlanResponse,
  type UpdatePlanRequest,
} from '@gatehouse/contracts';
import {
  type DbTransaction,
  type Plan,
  PlanRepository,
  type Product,
  ProductRepository,
  TransactionRunner,
} from '@gatehouse/db';
import { limitModesToJson, limitsFromPlanRow, patchPlanLimits, planLimitWrite } from '@gatehouse/domain';
import { InvalidationPublisher } from '@gatehouse/redis';
import { AuditService } from '../audit/audit.service';
import { type Actor } from '../auth/authenticated-user';
import { invalidField } from '../catalog/field-error';
import { ApiError } from '../common/errors/api-error';
import { toPlanResponse } from './plan-mapper';

/**
 * Plans: entitlement templates on a product. Every change is announced to the gateways after commit, since
 * subscriptions on the plan take its limits from it.
 */
@Injectable()
export class PlansService {
  private readonly logger = new Logger(PlansService.name);

  constructor(
    private readonly plans: PlanRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  async list(query: PlanListQuery): Promise<PlanListResponse> {
    const page = await this.plans.list(query);
    return { items: page.items.map(toPlanResponse), nextCursor: page.nextCursor };
  }

  async get(planId: string): Promise<PlanResponse> {
    const plan = await this.plans.findById(planId);
    if (!plan) throw ApiError.notFound('Plan');
    return toPlanResponse(plan);
  }

  async create(actor: Actor, request: CreatePlanRequest): Promise<PlanResponse> {
    const plan = await this.transactions.run(async (tx) => {
      // The product's lock keeps its model list still while the plan's allowed models are checked against it.
      const product = await new ProductRepository(tx).lockForUpdate(request.productId);
      if (!product) throw invalidField('productId', 'no product has this id');
      if (product.status === 'RETIRED') throw productRetired();
      await assertAllowedModels(tx, product, request.limits);
      const plans = new PlanRepository(tx);
      if (await plans.findByName(product.id, request.name)) throw nameTaken(request.name);
      const created = await plans.create({
        productId: product.id,
        name: request.name,
        description: request.description ?? null,
        autoApprove: request.autoApprove,
        ...planLimitWrite(request.limits),
        limitModes: limitModesToJson(request.limitModes ?? {}),
        quotaFailOpen: request.quotaFailOpen,
      });
      await this.audit.record(tx, {
        actor,
        action: 'plan.create',
        targetType: 'plan',
        targetId: created.id,
        tenantId: null,
        after: toPlanResponse(created),
      });
      return created;
    });
    await this.announce({ kind: 'plan', planId: plan.id });
    return toPlanResponse(plan);
  }

  async update(actor: Actor, planId: string, request: UpdatePlanRequest): Promise<PlanResponse> {
    const plan = await this.transactions.run(async (tx) => {
      const plans = new PlanRepository(tx);
      const { product, before } = await lockPlanWithProduct(tx, planId);
      if (before.status === 'RETIRED') throw planRetired();
      if (
        request.name !== undefined &&
        request.name !== before.name &&
        (await plans.findByName(product.id, request.name))
      ) {
        throw nameTaken(request.name);
      }
      const limits = request.limits ? patchPlanLimits(limitsFromPlanRow(before), request.limits) : undefined;
      if (request.limits?.allowedModels !== undefined) await assertAllowedModels(tx, product, request.limits);
      const updated = await plans.update(before.id, {
        name: request.name,
        description: request.description,
        autoApprove: request.autoApprove,
        ...(limits ? planLimitWrite(limits) : {}),
        ...(request.limitModes ? { limitModes: limitModesToJson(request.limitModes) } : {}),
        quotaFailOpen: request.quotaFailOpen,
      });
      await this.audit.record(tx, {
        actor,
        action: 'plan.update',
        targetType: 'plan',
        targetId: before.id,
        tenantId: null,
        before: toPlanResponse(before),
        after: toPlanResponse(updated),
      });
      return updated;
    });
    await this.announce({ kind: 'plan', planId: plan.id });
    return toPlanResponse(plan);
  }

  /** No new subscriptions on a retired plan; existing ones keep its limits until they end. */
  async retire(actor: Actor, planId: string): Promise<PlanResponse> {
    const plan = await this.transactions.run(async (tx) => {
      const { before } = await lockPlanWithProduct(tx, planId);
      if (before.status === 'RETIRED') throw planRetired();
      const updated = await new PlanRepository(tx).update(before.id, { status: 'RETIRED' });
      await this.audit.record(tx, {
        actor,
        action: 'plan.retire',
        targetType: 'plan',
        targetId: before.id,
        tenantId: null,
        before: { status: before.status },
        after: { status: updated.status },
      });
      return updated;
    });
    await this.announce({ kind: 'plan', planId: plan.id });
    return toPlanResponse(plan);
  }

  /** After commit; a Redis failure is logged, not returned (gateways converge within their cache TTL). */
  private async announce(message: InvalidationMessage): Promise<void> {
    try {
      await this.invalidations.publish(message);
    } catch (error) {
      this.logger.error(`Invalidation of ${message.kind} not published: ${String(error)}`);
    }
  }
}

/**
 * Locks the plan's product, then the plan: the same order as the catalog's model edits (product, then the
 * plans that name a model), so the two never deadlock.
 */
async function lockPlanWithProduct(tx: DbTransaction, planId: string): Promise<{ product: Product; before: Plan }> {
  const plans = new PlanRepository(tx);
  const found = await plans.findById(planId);
  if (!found) throw ApiError.notFound('Plan');
  const product = await new ProductRepository(tx).lockForUpdate(found.productId);
  const before = await plans.lockForUpdate(found.id);
  if (!product || !before) throw ApiError.notFound('Plan');
  return { product, before };
}

/** A plan's allowed models must be models of its own product (aliases are platform-wide, so this matters). */
async function assertAllowedModels(tx: DbTransaction, product: Product, limits: Limits): Promise<void> {
  const allowed = limits.allowedModels;
  if (!allowed) return;
  if (product.kind === 'HTTP') {
    throw invalidField('limits.allowedModels', 'an HTTP product has no models: leave allowedModels null');
  }
  const aliases = new Set(await new ProductRepository(tx).modelAliases(product.id));
  const index = allowed.findIndex((alias) => !aliases.has(alias));
  if (index >= 0) {
    throw invalidField(
      `limits.allowedModels.${index}`,
      `"${allowed[index]}" is not a model of product "${product.slug}"`,
    );
  }
}

function nameTaken(name: string): ApiError {
  return ApiError.conflict('plan_name_taken', `This product already has a plan named "${name}".`);
}

function planRetired(): ApiError {
  return ApiError.conflict('plan_retired', 'This plan is retired and can no longer change.');
}

function productRetired(): ApiError {
  return ApiError.conflict('product_retired', 'This product is retired; it takes no new plans.');
}
