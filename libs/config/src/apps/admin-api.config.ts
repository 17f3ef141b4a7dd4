import { z } from 'zod';
import { base64Key32, booleanFlag, DEV_CREDENTIAL_ENCRYPTION_KEY, originList, port, trustedProxies } from '../fields';
import { callLogKeysSection, callLogKeyVariables, checkCallLogKeys } from './call-log-keys';
import { infrastructureSection, infrastructureVariables } from './shared';

// Development-only defaults so that `npm start` needs no .env. Production refuses to boot with them.
const DEV_SESSION_SECRET = 'gatehouse-dev-session-secret-change-me-0000';

const positiveInteger = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const adminApiConfigSchema = z
  .object({
    ...infrastructureVariables,
    ADMIN_HOST: z.string().default('0.0.0.0'),
    ADMIN_PORT: port(3001),
    PORTAL_URL: z.url().default('http://localhost:3000'),
    // The portal runs on the same host and is admin-api's one proxy in the default layout.
    ADMIN_TRUSTED_PROXIES: trustedProxies('loopback'),
    /** Origins besides PORTAL_URL's (and the request's own) whose pages may make cookie-authenticated writes. */
    ADMIN_ALLOWED_ORIGINS: originList,
    ADMIN_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(1024 * 1024),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_SESSION_SECRET),
    CREDENTIAL_ENCRYPTION_KEY: base64Key32.default(DEV_CREDENTIAL_ENCRYPTION_KEY),
    ...callLogKeyVariables,
    SIGNUP_ENABLED: booleanFlag(true),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24 * 7),
    // Failed sign-ins allowed per fixed window, per (email, client address) and per client address alone.
    LOGIN_MAX_FAILURES_PER_EMAIL: positiveInteger(5),
    LOGIN_MAX_FAILURES_PER_IP: positiveInteger(50),
    LOGIN_FAILURE_WINDOW_SECONDS: positiveInteger(15 * 60),
    // Creation throttles: attempts allowed per fixed window of THROTTLE_WINDOW_SECONDS (docs/configuration.md).
    THROTTLE_WINDOW_SECONDS: positiveInteger(3600),
    THROTTLE_SIGNUPS_PER_IP: positiveInteger(5),
    THROTTLE_KEY_CREATIONS_PER_TENANT: positiveInteger(50),
    THROTTLE_INVITATIONS_PER_TENANT: positiveInteger(20),
    THROTTLE_ACCESS_REQUESTS_PER_TENANT: positiveInteger(20),
    THROTTLE_PASSWORD_RESETS_PER_IP: positiveInteger(10),
    THROTTLE_PASSWORD_RESETS_PER_EMAIL: positiveInteger(3),
    /** Live (active, unexpired) API keys a tenant may hold at once. */
    MAX_LIVE_KEYS_PER_TENANT: positiveInteger(100),
    /** How long a password reset link works. */
    PASSWORD_RESET_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(60),
    /** How mail (password reset links) is delivered: `log` writes it to the log, for development. */
    MAILER: z.enum(['log']).default('log'),
    // Single sign-on with OpenID Connect: enabled when the issuer, client id, secret and redirect URL are all set.
    OIDC_ISSUER_URL: z.url().optional(),
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    /** Must be admin-api's `GET /api/v1/auth/oidc/callback`, as registered at the provider. */
    OIDC_REDIRECT_URL: z.url().optional(),
    OIDC_SCOPES: z.string().default('openid email profile'),
    /** `example.com=Acme,other.org=<tenant uuid>`: which tenant a first SSO sign-in joins. */
    OIDC_TENANT_MAPPING: z.string().optional(),
    /** The ID token claim looked up in the mapping; by default the domain of the `email` claim. */
    OIDC_TENANT_CLAIM: z.string().optional(),
    /** The provider's name on the portal's sign-in button ("Sign in with <name>"). */
    OIDC_DISPLAY_NAME: z.string().trim().min(1).max(40).default('SSO'),
    /** Lets webhooks reach loopback addresses (a receiver on this machine, for development and tests). */
    WEBHOOK_ALLOW_LOOPBACK: booleanFlag(false),
  })
  .superRefine((env, context) => {
    const oidcVariables = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URL'] as const;
    const oidcSet = oidcVariables.filter((name) => env[name] !== undefined);
    if (oidcSet.length > 0 && oidcSet.length < oidcVariables.length) {
      for (const name of oidcVariables.filter((candidate) => env[candidate] === undefined)) {
        context.addIssue({ code: 'custom', path: [name], message: `must be set with ${oidcSet.join(', ')}` });
      }
    }
    if (env.OIDC_TENANT_MAPPING !== undefined) {
      const mapping = parseTenantMapping(env.OIDC_TENANT_MAPPING);
      if ('error' in mapping)
        context.addIssue({ code: 'custom', path: ['OIDC_TENANT_MAPPING'], message: mapping.error });
    }
    checkCallLogKeys(env, context);
    if (env.NODE_ENV !== 'production') return;
    if (env.OIDC_ISSUER_URL?.startsWith('http:')) {
      context.addIssue({ code: 'custom', path: ['OIDC_ISSUER_URL'], message: 'must be an https:// URL in production' });
    }
    if (env.WEBHOOK_ALLOW_LOOPBACK) {
      context.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_LOOPBACK'], message: 'must not be set in production' });
    }
    if (env.SESSION_SECRET === DEV_SESSION_SECRET) {
      context.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'must be set in production' });
    }
    if (env.CREDENTIAL_ENCRYPTION_KEY === DEV_CREDENTIAL_ENCRYPTION_KEY) {
      context.addIssue({ code: 'custom', path: ['CREDENTIAL_ENCRYPTION_KEY'], message: 'must be set in production' });
    }
  })
  .transform((env) => ({
    ...infrastructureSection(env),
    http: {
      host: env.ADMIN_HOST,
      port: env.ADMIN_PORT,
      trustedProxies: env.ADMIN_TRUSTED_PROXIES,
      allowedOrigins: [new URL(env.PORTAL_URL).origin, ...env.ADMIN_ALLOWED_ORIGINS],
      maxBodyBytes: env.ADMIN_MAX_BODY_BYTES,
    },
    portalUrl: env.PORTAL_URL,
    auth: {
      sessionSecret: env.SESSION_SECRET,
      signupEnabled: env.SIGNUP_ENABLED,
      sessionTtlHours: env.SESSION_TTL_HOURS,
      secureCookies: env.NODE_ENV === 'production',
      loginThrottle: {
        maxFailuresPerEmail: env.LOGIN_MAX_FAILURES_PER_EMAIL,
        maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      },
      passwordResetTtlMinutes: env.PASSWORD_RESET_TTL_MINUTES,
      oidc: oidcSection(env),
    },
    throttles: {
      windowSeconds: env.THROTTLE_WINDOW_SECONDS,
      signupsPerIp: env.THROTTLE_SIGNUPS_PER_IP,
      keyCreationsPerTenant: env.THROTTLE_KEY_CREATIONS_PER_TENANT,
      invitationsPerTenant: env.THROTTLE_INVITATIONS_PER_TENANT,
      accessRequestsPerTenant: env.THROTTLE_ACCESS_REQUESTS_PER_TENANT,
      passwordResetsPerIp: env.THROTTLE_PASSWORD_RESETS_PER_IP,
      passwordResetsPerEmail: env.THROTTLE_PASSWORD_RESETS_PER_EMAIL,
    },
    maxLiveKeysPerTenant: env.MAX_LIVE_KEYS_PER_TENANT,
    mail: { mailer: env.MAILER },
    credentialEncryptionKey: env.CREDENTIAL_ENCRYPTION_KEY,
    callLogKeys: callLogKeysSection(env),
    webhooks: { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK },
  }));

export type AdminApiConfig = z.output<typeof adminApiConfigSchema>;

export type OidcConfig = NonNullable<AdminApiConfig['auth']['oidc']>;

/** One `key=tenant` pair: `key` is an email domain (or a value of the configured claim), `tenant` a name or id. */
export interface TenantMappingEntry {
  key: string;
  tenant: string;
}

/** Parses `example.com=Acme,other.org=<uuid>`; keys are compared lower-cased. */
export function parseTenantMapping(value: string): { entries: TenantMappingEntry[] } | { error: string } {
  const entries: TenantMappingEntry[] = [];
  for (const pair of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = pair.indexOf('=');
    const key = pair.slice(0, separator).trim().toLowerCase();
    const tenant = pair.slice(separator + 1).trim();
    if (separator < 0 || !key || !tenant) {
      return { error: `"${pair}" is not key=tenant (e.g. example.com=Acme,other.org=<tenant id>)` };
    }
    if (entries.some((entry) => entry.key === key)) return { error: `"${key}" is mapped twice` };
    entries.push({ key, tenant });
  }
  return { entries };
}

function oidcSection(env: {
  OIDC_ISSUER_URL?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  OIDC_REDIRECT_URL?: string;
  OIDC_SCOPES: string;
  OIDC_TENANT_MAPPING?: string;
  OIDC_TENANT_CLAIM?: string;
  OIDC_DISPLAY_NAME: string;
}) {
  if (!env.OIDC_ISSUER_URL || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET || !env.OIDC_REDIRECT_URL) return null;
  const mapping = env.OIDC_TENANT_MAPPING ? parseTenantMapping(env.OIDC_TENANT_MAPPING) : { entries: [] };
  return {
    issuerUrl: env.OIDC_ISSUER_URL,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    redirectUrl: env.OIDC_REDIRECT_URL,
    scopes: env.OIDC_SCOPES,
    tenantMapping: 'entries' in mapping ? mapping.entries : [],
    tenantClaim: env.OIDC_TENANT_CLAIM ?? null,
    displayName: env.OIDC_DISPLAY_NAME,
  };
}
