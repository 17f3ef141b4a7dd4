import { Injectable, Logger } from '@nestjs/common';
import {
  type MemberListQuery,
  type MemberListResponse,
  type MemberResponse,
  type MemberRole,
  type TenantId,
  type TenantResponse,
  type UpdateMemberRequest,
  type UpdateTenantRequest,
} from '@gatehouse/contracts';
import {
  type MemberRecord,
  MembershipRepository,
  type Tenant,
  TenantRepository,
  TransactionRunner,
} from '@gatehouse/db';
import { decimalToString } from '@gatehouse/domain';
import { InvalidationPublisher } from '@gatehouse/redis';
import { AuditService } from '../audit/audit.service';
import { type Actor, type AuthenticatedUser } from '../auth/authenticated-user';
import { ApiError } from '../common/errors/api-error';

/** A tenant as its members see it, and who belongs to it. */
@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly memberships: MembershipRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  async get(tenantId: TenantId, caller: AuthenticatedUser): Promise<TenantResponse> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw ApiError.notFound('Tenant');
    return toTenantResponse(tenant, callerRole(caller, tenantId));
  }

  async update(
    tenantId: TenantId,
    caller: AuthenticatedUser,
    actor: Actor,
    request: UpdateTenantRequest,
  ): Promise<TenantResponse> {
    const { before, after } = await this.transactions.run(async (tx) => {
      const tenants = new TenantRepository(tx);
      const before = await tenants.findById(tenantId);
      if (!before) throw ApiError.notFound('Tenant');
      const after = await tenants.update(tenantId, {
        ...(request.name !== undefined ? { name: request.name } : {}),
        ...(request.timeZone !== undefined ? { timeZone: request.timeZone } : {}),
      });
      await this.audit.record(tx, {
        actor,
        action: 'tenant.update',
        targetType: 'tenant',
        targetId: tenantId,
        tenantId,
        before: { name: before.name, timeZone: before.timeZone },
        after: { name: after.name, timeZone: after.timeZone },
      });
      return { before, after };
    });
    // Quota and budget periods roll over in the tenant's zone: gateways must reload it.
    if (before.timeZone !== after.timeZone) {
      await this.invalidations
        .publish({ kind: 'tenant', tenantId })
        .catch((error: unknown) => this.logger.error(`Tenant invalidation not published: ${String(error)}`));
    }
    return toTenantResponse(after, callerRole(caller, tenantId));
  }

  async listMembers(tenantId: TenantId, query: MemberListQuery): Promise<MemberListResponse> {
    const page = await this.memberships.listForTenant(tenantId, query);
    return { items: page.items.map(toMemberResponse), nextCursor: page.nextCursor };
  }

  async updateMember(
    tenantId: TenantId,
    actor: Actor,
    userId: string,
    request: UpdateMemberRequest,
  ): Promise<MemberResponse> {
    return this.transactions.run(async (tx) => {
      const memberships = new MembershipRepository(tx);
      const owners = await memberships.lockOwners(tenantId);
      const before = await memberships.findForTenant(tenantId, userId);
      if (!before) throw ApiError.notFound('Member');
      if (before.role === request.role) return toMemberResponse(before);
      assertNotLastOwner(owners, before);
      const after = await memberships.updateRole(tenantId, before.userId, request.role);
      if (!after) throw ApiError.notFound('Member');
      await this.audit.record(tx, {
        actor,
        action: 'membership.update',
        targetType: 'membership',
        targetId: before.id,
        tenantId,
        before: { userId: before.userId, email: before.user.email, role: before.role },
        after: { userId: after.userId, email: after.user.email, role: after.role },
      });
      return toMemberResponse(after);
    });
  }

  async removeMember(tenantId: TenantId, actor: Actor, userId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const memberships = new MembershipRepository(tx);
      const owners = await memberships.lockOwners(tenantId);
      const member = await memberships.findForTenant(tenantId, userId);
      if (!member) throw ApiError.notFound('Member');
      assertNotLastOwner(owners, member);
      await memberships.remove(tenantId, member.userId);
      await this.audit.record(tx, {
        actor,
        action: 'membership.delete',
        targetType: 'membership',
        targetId: member.id,
        tenantId,
        before: { userId: member.userId, email: member.user.email, role: member.role },
      });
    });
  }
}

/** A tenant must keep at least one owner: nobody else could manage its members or its settings. */
function assertNotLastOwner(owners: string[], member: MemberRecord): void {
  if (member.role === 'OWNER' && owners.length <= 1 && owners.includes(member.userId)) {
    throw ApiError.conflict('last_owner', 'The last owner of a tenant cannot be demoted or removed.');
  }
}

/** The caller's role in a tenant; platform admins act as owners of tenants they do not belong to. */
export function callerRole(caller: AuthenticatedUser, tenantId: string): MemberRole {
  const membership = caller.memberships.find((candidate) => candidate.tenantId === tenantId);
  if (membership) return membership.role;
  if (caller.isPlatformAdmin) return 'OWNER';
  // The access guard admits only members and platform admins to tenant routes.
  throw ApiError.notFound('Tenant');
}

export function toTenantResponse(tenant: Tenant, role: MemberRole): TenantResponse {
  return {
    id: tenant.id,
    name: tenant.name,
    timeZone: tenant.timeZone,
    monthlyBudgetUsd: tenant.monthlyBudgetUsd === null ? null : decimalToString(tenant.monthlyBudgetUsd),
    createdAt: tenant.createdAt.toISOString(),
    status: tenant.status,
    role,
  };
}

export function toMemberResponse(member: MemberRecord): MemberResponse {
  return {
    userId: member.userId,
    email: member.user.email,
    name: member.user.name,
    role: member.role,
    joinedAt: member.createdAt.toISOString(),
  };
}
