import { Prisma, type MemberRecord, type Tenant, type TenantWithCounts } from '@gatehouse/db';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { ApiError } from '../common/errors/api-error';
import { toAdminTenantDetail, toAdminTenantResponse } from './admin-tenants.service';
import { toInvitationResponse } from './invitations.service';
import { callerRole, toMemberResponse, toTenantResponse } from './tenants.service';

const tenant: Tenant = {
  id: 't-1',
  name: 'Acme',
  status: 'ACTIVE',
  timeZone: 'Europe/Paris',
  monthlyBudgetUsd: new Prisma.Decimal('1250.500000'),
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  updatedAt: new Date('2026-01-02T00:00:00.000Z'),
};

const member: MemberRecord = {
  id: 'm-1',
  userId: 'u-1',
  tenantId: 't-1',
  role: 'OWNER',
  createdAt: new Date('2026-01-03T00:00:00.000Z'),
  updatedAt: new Date('2026-01-03T00:00:00.000Z'),
  user: { id: 'u-1', email: 'ada@example.com', name: 'Ada' },
};

function user(overrides: Partial<AuthenticatedUser> = {}): AuthenticatedUser {
  return {
    sessionId: 's',
    id: 'u-1',
    email: 'ada@example.com',
    name: 'Ada',
    isPlatformAdmin: false,
    memberships: [{ tenantId: 't-1', tenantName: 'Acme', role: 'MEMBER' }],
    ...overrides,
  };
}

describe('tenant mapping', () => {
  it('maps a tenant with the caller role and the budget as a decimal string', () => {
    expect(toTenantResponse(tenant, 'VIEWER')).toEqual({
      id: 't-1',
      name: 'Acme',
      timeZone: 'Europe/Paris',
      monthlyBudgetUsd: '1250.5',
      createdAt: '2026-01-01T00:00:00.000Z',
      status: 'ACTIVE',
      role: 'VIEWER',
    });
    expect(toTenantResponse({ ...tenant, status: 'SUSPENDED' }, 'VIEWER').status).toBe('SUSPENDED');
    expect(toTenantResponse({ ...tenant, monthlyBudgetUsd: null }, 'OWNER').monthlyBudgetUsd).toBeNull();
  });

  it("takes the caller's role from their membership; platform admins act as owners elsewhere", () => {
    expect(callerRole(user(), 't-1')).toBe('MEMBER');
    expect(callerRole(user({ isPlatformAdmin: true }), 't-1')).toBe('MEMBER');
    expect(callerRole(user({ isPlatformAdmin: true }), 't-2')).toBe('OWNER');
    expect(() => callerRole(user(), 't-2')).toThrow(ApiError);
  });

  it('maps a member', () => {
    expect(toMemberResponse(member)).toEqual({
      userId: 'u-1',
      email: 'ada@example.com',
      name: 'Ada',
      role: 'OWNER',
      joinedAt: '2026-01-03T00:00:00.000Z',
    });
  });

  it('maps an invitation without any token material', () => {
    const response = toInvitationResponse({
      id: 'i-1',
      tenantId: 't-1',
      email: 'bob@example.com',
      role: 'VIEWER',
      invitedById: 'u-1',
      expiresAt: new Date('2026-01-08T00:00:00.000Z'),
      acceptedAt: null,
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
    });
    expect(response).toEqual({
      id: 'i-1',
      email: 'bob@example.com',
      role: 'VIEWER',
      expiresAt: '2026-01-08T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it("maps the platform admin's list item and detail", () => {
    const withCounts: TenantWithCounts = { ...tenant, memberCount: 3, subscriptionCount: 2, apiKeyCount: 5 };
    expect(toAdminTenantResponse(withCounts)).toEqual({
      id: 't-1',
      name: 'Acme',
      status: 'ACTIVE',
      createdAt: '2026-01-01T00:00:00.000Z',
      memberCount: 3,
      subscriptionCount: 2,
    });
    expect(toAdminTenantDetail(withCounts, [member])).toMatchObject({
      timeZone: 'Europe/Paris',
      monthlyBudgetUsd: '1250.5',
      apiKeyCount: 5,
      owners: [{ userId: 'u-1', email: 'ada@example.com', name: 'Ada' }],
    });
  });
});
