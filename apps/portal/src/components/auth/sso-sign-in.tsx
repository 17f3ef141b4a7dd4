import { Alert, buttonClasses } from '@gatehouse/ui';
import type { AuthMode } from './auth-form';
import type { SsoOffer } from './sso-config';

/** Why admin-api's SSO callback sent the person back to /login (`?sso_error=`), in words they can act on. */
const SSO_ERRORS: Record<string, string> = {
  sso_tenant_not_mapped: 'Your organisation is not set up for single sign-on here. Ask your Gatehouse administrator.',
  sso_tenant_missing: 'The workspace your organisation signs in to no longer exists. Ask your Gatehouse administrator.',
  sso_email_missing: 'Your identity provider did not share an email address, which Gatehouse needs to sign you in.',
  sso_email_unverified: 'Your identity provider has not verified your email address yet. Verify it, then try again.',
  sso_failed: 'The sign-in with your identity provider did not complete. Try again.',
};

export function ssoErrorMessage(code: string | string[] | undefined): string | null {
  if (typeof code !== 'string') return null;
  return SSO_ERRORS[code] ?? SSO_ERRORS.sso_failed ?? null;
}

/**
 * The single sign-on way in, above the email form: a plain link, because the flow is a chain of full-page
 * redirects (admin-api → the provider → admin-api's callback, which sets the session cookie) that fetch cannot
 * follow. The button shows only when admin-api says SSO is configured; a refusal from the callback shows either way.
 */
export function SsoSignIn({ offer, mode, error }: { offer: SsoOffer | null; mode: AuthMode; error: string | null }) {
  if (!offer && !error) return null;
  return (
    <div className="mb-6 space-y-6">
      {error && (
        <Alert tone="danger" title="Single sign-on did not work">
          {error}
        </Alert>
      )}
      {offer && (
        <>
          <a
            href="/api/v1/auth/oidc/login"
            className={buttonClasses({ variant: 'secondary', size: 'lg', fullWidth: true })}
          >
            {mode === 'login' ? 'Sign in' : 'Sign up'} with {offer.label}
          </a>
          <div className="flex items-center gap-3 text-sm text-slate-500">
            <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
            <span>or use your email</span>
            <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
          </div>
        </>
      )}
    </div>
  );
}
