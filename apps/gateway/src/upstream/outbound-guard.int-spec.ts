import { type HostResolver } from '@gatehouse/egress';
import { GatewayHarness } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';

/** A public-looking name that points at loopback, as a rebinding DNS answer would (no DNS is asked). */
const REBOUND_HOST = 'rebound.example.test';
const lookups: string[] = [];
const resolver: HostResolver = async (hostname) => {
  lookups.push(hostname);
  if (hostname === REBOUND_HOST) return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe('gateway outbound address guard (providers not marked internal)', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let apiKey: string;

  const chat = (model: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    });

  beforeAll(async () => {
    [gateway, mock] = await Promise.all([
      GatewayHarness.start('gateway-outbound-guard', { upstreamResolver: resolver }),
      startMockProvider(),
    ]);
    const port = new URL(mock.url).port;
    await gateway.routeModel('demo-rebound', [
      { type: 'OPENAI_COMPATIBLE', baseUrl: `http://${REBOUND_HOST}:${port}`, internal: false },
    ]);
    await gateway.routeModel('demo-loopback', [{ type: 'OPENAI_COMPATIBLE', baseUrl: mock.url, internal: false }]);
    await gateway.routeModel('demo-mapped', [
      { type: 'OPENAI_COMPATIBLE', baseUrl: `http://[::ffff:127.0.0.1]:${port}`, internal: false },
    ]);
    await gateway.routeModel('demo-internal', [{ type: 'OPENAI_COMPATIBLE', baseUrl: mock.url, internal: true }]);
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId);
    apiKey = (await gateway.key(tenantId)).key;
  });

  afterAll(async () => {
    await gateway?.close();
    await mock?.close();
  });

  it('refuses to connect when the name resolves to loopback, or the URL names it: a 502, and no request upstream', async () => {
    for (const model of ['demo-rebound', 'demo-loopback', 'demo-mapped']) {
      const response = await chat(model);
      const body = (await response.json()) as { error?: { code?: string } };
      expect({ model, status: response.status, code: body.error?.code }).toEqual({
        model,
        status: 502,
        code: 'upstream_error',
      });
    }
    expect(mock.responses).toHaveLength(0);
    // The name was resolved by the guard (and refused), not by undici's own lookup.
    expect(lookups).toContain(REBOUND_HOST);
  });

  it('connects to an internal provider on loopback as configured', async () => {
    const response = await chat('demo-internal');
    expect(response.status).toBe(200);
    expect(mock.responses).toHaveLength(1);
  });
});
