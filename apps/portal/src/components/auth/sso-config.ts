import { z } from 'zod';
import { portalConfig } from '../../lib/config';

const ssoConfigSchema = z.object({
  enabled: z.boolean(),
  label: z.string().min(1).max(40).optional(),
});

export interface SsoOffer {
  /** The provider's name, for "Sign in with <label>". */
  label: string;
}

// The sign-in page waits on this call before it renders: a slow or down admin-api must not hold the form back,
// and the email form works without it.
const SSO_CONFIG_TIMEOUT_MS = 1_500;

/**
 * Whether admin-api offers single sign-on, read on the server from its public `GET /auth/oidc/config`. Any failure
 * (unreachable, timeout, unexpected shape) reads as "no SSO": the button is an extra, the form is the way in.
 */
export async function ssoOffer(): Promise<SsoOffer | null> {
  try {
    const response = await fetch(new URL('/api/v1/auth/oidc/config', portalConfig().adminApiUrl), {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(SSO_CONFIG_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const parsed = ssoConfigSchema.safeParse(await response.json());
    if (!parsed.success || !parsed.data.enabled) return null;
    return { label: parsed.data.label ?? 'SSO' };
  } catch {
    return null;
  }
}
