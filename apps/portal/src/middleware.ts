import { NextResponse, type NextRequest } from 'next/server';
import { loginUrl, RETURN_PATH_HEADER } from './lib/return-path';
import { SESSION_COOKIE } from './lib/session-cookie';

/**
 * Every page gets a Content-Security-Policy with a fresh nonce: Next puts it on its own scripts (the root layout reads
 * the request headers, so every page renders per request and gets the nonce), and no other script runs, injected
 * markup included. Inline style attributes stay allowed: the UI components set them, and they cannot run code.
 *
 * The signed-in part of the portal (/t, /admin, /account) also needs a session cookie: a visitor without one goes straight to
 * /login (with the page to come back to) before anything renders. Whether the cookie is still valid is admin-api's
 * call, made by the page's server-side requests; for those, the path being rendered is passed on in a request header,
 * since layouts are not told the URL.
 */
export function middleware(request: NextRequest) {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (isSignedInArea(request.nextUrl.pathname) && !request.cookies.get(SESSION_COOKIE)?.value) {
    return NextResponse.redirect(new URL(loginUrl(path), request.url));
  }
  const policy = contentSecurityPolicy(btoa(crypto.randomUUID()));
  const headers = new Headers(request.headers);
  headers.set(RETURN_PATH_HEADER, path);
  // Next reads the nonce from the request's policy header.
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

function isSignedInArea(pathname: string): boolean {
  return ['/t', '/admin', '/account'].some((area) => pathname === area || pathname.startsWith(`${area}/`));
}

export function contentSecurityPolicy(nonce: string): string {
  // `next dev` evaluates modules it hot-reloads; a production build never does.
  const evalInDevelopment = process.env.NODE_ENV === 'development' ? " 'unsafe-eval'" : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${evalInDevelopment}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

export const config = {
  // Pages only: not the /api/v1 proxy (JSON), Next's static files, the icon or the health check.
  matcher: ['/((?!api/|_next/static|_next/image|icon.svg|favicon.ico|healthz).*)'],
};
