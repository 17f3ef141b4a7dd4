/**
 * Where one policy document's routes are on admin-api (docs/api.md, "Policy documents"), for the browser's calls.
 * Platform admins reach every document under `/admin/policies/{name}`; a tenant's owners reach their own document
 * under `/tenants/{tenantId}/policy`. The editor takes either set, so one component serves both pages. Plain data
 * (no functions), because a server page hands it to the editor, a client component.
 */
export interface PolicyEndpoints {
  /** The document's name, `global`, `product:<slug>` or `tenant:<id>`. */
  name: string;
  /** GET the document, PUT a new version. */
  document: string;
  validate: string;
  dryRun: string;
  rollback: string;
  /** Followed by `/{version}`: one version's text. */
  versions: string;
  /** Whether dry-run calls name their tenant (the admin route); the tenant route evaluates its own tenant's calls. */
  callsNameTenant: boolean;
}

const segment = encodeURIComponent;

export function adminPolicyEndpoints(name: string): PolicyEndpoints {
  const document = `/admin/policies/${segment(name)}`;
  return {
    name,
    document,
    validate: '/admin/policies/validate',
    dryRun: '/admin/policies/dry-run',
    rollback: `${document}/rollback`,
    versions: `${document}/versions`,
    callsNameTenant: true,
  };
}

export function tenantPolicyEndpoints(tenantId: string): PolicyEndpoints {
  const document = `/tenants/${segment(tenantId)}/policy`;
  return {
    name: tenantPolicyName(tenantId),
    document,
    validate: `${document}/validate`,
    dryRun: `${document}/dry-run`,
    rollback: `${document}/rollback`,
    versions: `${document}/versions`,
    callsNameTenant: false,
  };
}

export const tenantPolicyName = (tenantId: string) => `tenant:${tenantId}`;

/** The portal's page of a document for platform admins. */
export const adminPolicyHref = (name: string) => `/admin/policies/${segment(name)}`;
