import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { AdminApiClient, AdminApiError, apiOrigin } from './admin-api-client';
import { CliError } from './cli-error';

const TOKEN = 'secret-session-token-value';

/** A loopback server answering every request with `status` and `body`; records what it was sent. */
async function answering(status: number, body: unknown) {
  const seen: { method?: string; url?: string; authorization?: string }[] = [];
  const server: Server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CliError)) throw new Error(`expected a CliError, got ${String(error)}`);
  return error;
}

describe('admin API client', () => {
  it('calls /api/v1 under the origin, with the token as a bearer header', async () => {
    const server = await answering(200, { name: 'product:demo', version: 2 });
    try {
      const client = new AdminApiClient(`${server.url}/`, TOKEN);
      expect(await client.putPolicy('product:demo', 'text', undefined)).toEqual({ name: 'product:demo', version: 2 });
      expect(server.seen).toEqual([
        { method: 'PUT', url: '/api/v1/admin/policies/product%3Ademo', authorization: `Bearer ${TOKEN}` },
      ]);
    } finally {
      await server.close();
    }
    expect(apiOrigin('https://admin.example.com/api/v1/')).toBe('https://admin.example.com');
  });

  it('turns refusals into one line that says what to do, never with the token', async () => {
    const cases: [number, unknown, RegExp][] = [
      [
        401,
        { statusCode: 401, code: 'unauthenticated', message: 'Sign in first' },
        /refused the token \(401 unauthenticated\): set GATEHOUSE_TOKEN/,
      ],
      [
        403,
        { statusCode: 403, code: 'forbidden', message: 'no' },
        /\(403 forbidden\): policy documents need a platform admin's token/,
      ],
      [
        503,
        { statusCode: 503, code: 'service_unavailable', message: 'Postgres is down' },
        /refused GET \/admin\/policies \(503 service_unavailable\): Postgres is down/,
      ],
      [502, '<html>bad gateway</html>', /refused GET \/admin\/policies \(502\)$/],
      [200, '<html>a portal page</html>', /unexpected answer .* is GATEHOUSE_ADMIN_URL the admin API\?/],
    ];
    for (const [status, body, message] of cases) {
      const server = await answering(status, body);
      try {
        const error = await failure(new AdminApiClient(server.url, TOKEN).listPolicies());
        expect(error.message).toMatch(message);
        expect(error.message).not.toContain(TOKEN);
      } finally {
        await server.close();
      }
    }
  });

  it("keeps a 400's problems, placed on their lines", async () => {
    const server = await answering(400, {
      statusCode: 400,
      code: 'validation_failed',
      message: 'The policy document is not valid: see details for each problem.',
      details: [{ field: 'spec.access.severity', reason: 'line 8: Unrecognized key: "severity"', line: 8 }],
    });
    try {
      const error = await failure(new AdminApiClient(server.url, TOKEN).putPolicy('global', 'x', 'why'));
      expect(error).toBeInstanceOf(AdminApiError);
      expect((error as AdminApiError).problems).toEqual([
        { field: 'spec.access.severity', reason: 'Unrecognized key: "severity"', line: 8 },
      ]);
    } finally {
      await server.close();
    }
  });

  it('reads a 404 as no such document', async () => {
    const server = await answering(404, { statusCode: 404, code: 'policy_not_found', message: 'Policy not found' });
    try {
      expect(await new AdminApiClient(server.url, TOKEN).getPolicy('global')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('says when the admin API cannot be reached or does not answer in time', async () => {
    const closed = await answering(200, {});
    await closed.close();
    const refused = await failure(new AdminApiClient(closed.url, TOKEN).listPolicies());
    expect(refused.message).toBe(
      `cannot reach the admin API at ${closed.url}/api/v1: connection refused (is it running? set GATEHOUSE_ADMIN_URL)`,
    );

    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const slow = await failure(new AdminApiClient(url, TOKEN, 200).listPolicies());
      expect(slow.message).toMatch(/: no answer within 0.2 s$/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
