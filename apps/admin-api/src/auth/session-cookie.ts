import { type AdminApiConfig } from '@gatehouse/config';
import { type CookieOptions, type Response } from 'express';
import { SESSION_COOKIE } from './session-tokens';

/**
 * The session cookie: unreadable by scripts (httpOnly), not sent on cross-site sub-requests (SameSite=Lax still
 * sends it on top-level navigations, which the SSO redirect back to the portal needs), HTTPS-only in production.
 */
export function sessionCookieOptions(config: AdminApiConfig): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: config.auth.secureCookies, path: '/' };
}

export function setSessionCookie(response: Response, token: string, expiresAt: Date, config: AdminApiConfig): void {
  response.cookie(SESSION_COOKIE, token, {
    ...sessionCookieOptions(config),
    maxAge: Math.max(0, expiresAt.getTime() - Date.now()),
  });
}

export function clearSessionCookie(response: Response, config: AdminApiConfig): void {
  response.clearCookie(SESSION_COOKIE, sessionCookieOptions(config));
}
