import { NextResponse, type NextRequest } from 'next/server';
import { loginUrl, RETURN_PATH_HEADER } from './lib/return-path';
import { SESSION_COOKIE } from './lib/session-cookie';

/**
 * The signed-in part of the portal. A visitor without a session cookie goes straight to /login (with the page to come
 * back to) before anything renders. Whether the cookie is still valid is admin-api's call, made by the page's
 * server-side requests; for those, the path being rendered is passed on in a request header, since layouts are not
 * told the URL.
 */
export function middleware(request: NextRequest) {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (!request.cookies.get(SESSION_COOKIE)?.value) {
    return NextResponse.redirect(new URL(loginUrl(path), request.url));
  }
  const headers = new Headers(request.headers);
  headers.set(RETURN_PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/t', '/t/:path*', '/admin', '/admin/:path*', '/account'] };
