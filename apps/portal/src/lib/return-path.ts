/**
 * The `next` parameter of /login and /signup: where to go after signing in. Only a path on this site is accepted,
 * so a crafted link cannot bounce a freshly signed-in user to another origin (an open redirect): no scheme, no
 * `//host` or `/\host` (browsers read both as another host), no control characters.
 */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value || value.length > 2048) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return null;
  try {
    const base = 'https://portal.invalid';
    const url = new URL(value, base);
    if (url.origin !== base) return null;
    // The auth pages themselves are no destination: signing in would lead back to the form.
    if (url.pathname === '/login' || url.pathname === '/signup') return null;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return null;
  }
}

/** `/login?next=…` for a path the visitor should come back to after signing in. */
export function loginUrl(returnPath: string | null | undefined): string {
  const next = safeReturnPath(returnPath);
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/**
 * A request header the middleware sets to the path being rendered, so that a server component whose session turns
 * out to be expired can send the visitor to /login with the right `next`. Layouts are not given the URL otherwise.
 */
export const RETURN_PATH_HEADER = 'x-gatehouse-path';
