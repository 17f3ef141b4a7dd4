/**
 * Policy document names and the text a new document starts from. admin-api checks names and documents itself
 * (the same check on every save); the portal reads a name only to say what it governs and to refuse a malformed one
 * at its field before a request.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';

export const PRODUCT_SLUG = new RegExp(`^${SLUG}$`);
export const TENANT_ID = new RegExp(`^${UUID}$`, 'i');
const POLICY_NAME = new RegExp(`^(?:global|product:${SLUG}|tenant:${UUID})$`);

export type PolicyScope = { kind: 'global' } | { kind: 'product'; slug: string } | { kind: 'tenant'; tenantId: string };

/** The scope a well-formed name governs; null for any other text. */
export function policyScope(name: string): PolicyScope | null {
  if (!POLICY_NAME.test(name)) return null;
  if (name === 'global') return { kind: 'global' };
  const [kind, value = ''] = name.split(':', 2);
  return kind === 'product' ? { kind: 'product', slug: value } : { kind: 'tenant', tenantId: value };
}

/** What a document governs, in words. */
export function scopeDescription(scope: PolicyScope): string {
  switch (scope.kind) {
    case 'global':
      return 'Every call of every tenant.';
    case 'product':
      return `Every tenant's calls to the product ${scope.slug}.`;
    case 'tenant':
      return 'Every call of one tenant. Its owners may edit it too, and can only tighten what the platform sets.';
  }
}

/**
 * A new document: valid as it stands (no rules yet), with the access rules written out as comments to uncomment.
 * The rules name no model, because a document may only name models that are in the catalog.
 */
export function starterPolicy(name: string): string {
  return `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: ${name}
  description: What this document is for
# enforce refuses calls; monitor only reports what the rules would refuse (any rule may set its own mode)
mode: enforce
spec:
  access: {}
  # Replace {} above with the rules you need, for example:
  # access:
  #   allowModels: { models: [<model>, <model>] }
  #   denyModels: { models: [<model>] }
  #   sourceIps: { ranges: [10.0.0.0/8, "2001:db8::/32"], mode: monitor }
  #   hours:
  #     windows:
  #       - { days: [mon, tue, wed, thu, fri], from: "08:00", to: "19:00" }
`;
}
