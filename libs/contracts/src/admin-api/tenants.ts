import { z } from 'zod';
import { nameSchema } from '../names';
import { usdAmountSchema } from '../limits';

/**
 * Tenants, their members and invitations (`/api/v1/tenants/{tenantId}…`, `/api/v1/invitations/accept`), and
 * the platform admin's view of tenants (`/api/v1/admin/tenants…`).
 */

export const memberRoleSchema = z.enum(['OWNER', 'MEMBER', 'VIEWER']);
export type MemberRole = z.infer<typeof memberRoleSchema>;

/** True for a zone the runtime's Intl knows (IANA names such as `Europe/Paris`, and `UTC`). */
export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Intl accepts any letter case (`europe/paris`); the stored name is the canonical one (`Europe/Paris`). */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isIanaTimeZone, { message: 'must be an IANA time zone such as "Europe/Paris" or "UTC"' })
  .transform((zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);

const tenantName = nameSchema(100);
const email = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase());

const pageQuery = {
  /** The `nextCursor` of the previous page. */
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
};

// ---- the tenant, as its members see it ----

/** SUSPENDED: a platform admin stopped the tenant's API keys; members still sign in and read. */
export const tenantStatusSchema = z.enum(['ACTIVE', 'SUSPENDED']);

export const tenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  /** Decimal USD as a string, or null for no tenant-wide cap. */
  monthlyBudgetUsd: z.string().nullable(),
  createdAt: z.iso.datetime(),
  status: tenantStatusSchema,
  /** The caller's role in this tenant (platform admins act as owners). */
  role: memberRoleSchema,
});
export type TenantResponse = z.infer<typeof tenantSchema>;

export const updateTenantRequestSchema = z
  .strictObject({ name: tenantName.optional(), timeZone: timeZoneSchema.optional() })
  .refine((body) => body.name !== undefined || body.timeZone !== undefined, {
    message: 'send at least one of name, timeZone',
  });
export type UpdateTenantRequest = z.infer<typeof updateTenantRequestSchema>;

// ---- members ----

export const memberListQuerySchema = z.strictObject(pageQuery);
export type MemberListQuery = z.infer<typeof memberListQuerySchema>;

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: memberRoleSchema,
  joinedAt: z.iso.datetime(),
});
export type MemberResponse = z.infer<typeof memberSchema>;

export const memberListSchema = z.object({ items: z.array(memberSchema), nextCursor: z.string().nullable() });
export type MemberListResponse = z.infer<typeof memberListSchema>;

export const updateMemberRequestSchema = z.strictObject({ role: memberRoleSchema });
export type UpdateMemberRequest = z.infer<typeof updateMemberRequestSchema>;

// ---- invitations ----

export const createInvitationRequestSchema = z.strictObject({
  email,
  role: memberRoleSchema.default('MEMBER'),
});
export type CreateInvitationRequest = z.infer<typeof createInvitationRequestSchema>;

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: memberRoleSchema,
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
export type InvitationResponse = z.infer<typeof invitationSchema>;

/** The one response that carries the invitation token (there is no mailer yet: the inviter passes it on). */
export const createdInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: memberRoleSchema,
  expiresAt: z.iso.datetime(),
  token: z.string(),
});
export type CreatedInvitationResponse = z.infer<typeof createdInvitationSchema>;

export const invitationListQuerySchema = z.strictObject(pageQuery);
export type InvitationListQuery = z.infer<typeof invitationListQuerySchema>;

export const invitationListSchema = z.object({ items: z.array(invitationSchema), nextCursor: z.string().nullable() });
export type InvitationListResponse = z.infer<typeof invitationListSchema>;

export const acceptInvitationRequestSchema = z.strictObject({ token: z.string().min(1).max(200) });
export type AcceptInvitationRequest = z.infer<typeof acceptInvitationRequestSchema>;

/** The membership the accepted invitation made. */
export const acceptedInvitationSchema = z.object({
  tenantId: z.string(),
  tenantName: z.string(),
  role: memberRoleSchema,
});
export type AcceptedInvitationResponse = z.infer<typeof acceptedInvitationSchema>;

// ---- platform admin ----

export const adminTenantListQuerySchema = z.strictObject({
  /** Case-insensitive substring of the tenant's name. */
  search: z.string().trim().max(100).optional(),
  ...pageQuery,
});
export type AdminTenantListQuery = z.infer<typeof adminTenantListQuerySchema>;

export const adminTenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: tenantStatusSchema,
  createdAt: z.iso.datetime(),
  memberCount: z.number().int(),
  subscriptionCount: z.number().int(),
});
export type AdminTenantResponse = z.infer<typeof adminTenantSchema>;

export const adminTenantListSchema = z.object({ items: z.array(adminTenantSchema), nextCursor: z.string().nullable() });
export type AdminTenantListResponse = z.infer<typeof adminTenantListSchema>;

export const adminTenantDetailSchema = adminTenantSchema.extend({
  timeZone: z.string(),
  monthlyBudgetUsd: z.string().nullable(),
  apiKeyCount: z.number().int(),
  owners: z.array(z.object({ userId: z.string(), email: z.string(), name: z.string() })),
});
export type AdminTenantDetailResponse = z.infer<typeof adminTenantDetailSchema>;

export const createAdminTenantRequestSchema = z.strictObject({
  name: tenantName,
  /** An existing user becomes the owner; for an unknown address an owner invitation is made instead. */
  ownerEmail: email.optional(),
});
export type CreateAdminTenantRequest = z.infer<typeof createAdminTenantRequestSchema>;

export const createdAdminTenantSchema = adminTenantDetailSchema.extend({
  /** Set when `ownerEmail` has no account yet: its token is shown here once. */
  ownerInvitation: createdInvitationSchema.nullable(),
});
export type CreatedAdminTenantResponse = z.infer<typeof createdAdminTenantSchema>;

/**
 * What a platform admin sets on a tenant. `monthlyBudgetUsd` caps the tenant's spend across all its
 * subscriptions each calendar month of `timeZone` (decimal USD as a string; null = no tenant-wide cap).
 */
export const updateAdminTenantRequestSchema = z
  .strictObject({
    name: tenantName.optional(),
    timeZone: timeZoneSchema.optional(),
    monthlyBudgetUsd: usdAmountSchema.nullable().optional(),
  })
  .refine((body) => body.name !== undefined || body.timeZone !== undefined || body.monthlyBudgetUsd !== undefined, {
    message: 'send at least one of name, timeZone, monthlyBudgetUsd',
  });
export type UpdateAdminTenantRequest = z.infer<typeof updateAdminTenantRequestSchema>;

/** Suspending stops every API key of the tenant at the gateways; the reason is kept in the audit trail. */
export const suspendTenantRequestSchema = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });
export type SuspendTenantRequest = z.infer<typeof suspendTenantRequestSchema>;

export const reactivateTenantRequestSchema = z.strictObject({});
export type ReactivateTenantRequest = z.infer<typeof reactivateTenantRequestSchema>;
