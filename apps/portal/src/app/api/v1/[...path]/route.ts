import { loadConfig, portalConfigSchema } from '@gatehouse/config';

/**
 * The browser reaches admin-api through the portal's own origin, so there is no CORS and admin-api's
 * session cookie is first-party. A route handler (rather than a rewrite in next.config.ts, which Next
 * freezes into the build) reads ADMIN_API_URL when the portal starts: one build serves any deployment.
 */
export const dynamic = 'force-dynamic';

const config = loadConfig('portal', portalConfigSchema);

// Connection-level headers belong to one hop and must not be forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** Forwarding headers are set by this proxy alone (below), never passed through from the client. */
const FORWARDING = /^(x-forwarded-.*|forwarded|x-real-ip)$/;

/** Long enough for a slow argon2id verification; short enough that a dead upstream fails the request. */
const UPSTREAM_TIMEOUT_MS = 30_000;

async function forward(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  const incoming = new URL(request.url);
  const target = new URL(`/api/v1/${path.map(encodeURIComponent).join('/')}${incoming.search}`, config.adminApiUrl);

  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name.toLowerCase()) && !FORWARDING.test(name.toLowerCase())) headers.set(name, value);
  });
  // One hop, as the portal's server computed it from the TCP peer (server.ts): admin-api trusts these from us alone,
  // and keys the login throttle, the audit trail and its CSRF origin check on them.
  const client = request.headers.get('x-forwarded-for');
  if (client) headers.set('x-forwarded-for', client);
  headers.set('x-forwarded-host', request.headers.get('x-forwarded-host') ?? incoming.host);
  headers.set('x-forwarded-proto', request.headers.get('x-forwarded-proto') ?? incoming.protocol.replace(/:$/, ''));

  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: 'manual',
      cache: 'no-store',
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
  } catch {
    return Response.json(
      {
        statusCode: 502,
        code: 'control_plane_unreachable',
        message: 'The Gatehouse control plane is not reachable. Try again in a moment.',
      },
      { status: 502 },
    );
  }

  const responseHeaders = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name.toLowerCase()) && name.toLowerCase() !== 'content-encoding') {
      responseHeaders.append(name, value);
    }
  });
  for (const cookie of upstream.headers.getSetCookie()) responseHeaders.append('set-cookie', cookie);
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE };
