import { AdminApiHarness } from '../../test/admin-api-harness';

/** The value of one sample line of `/metrics`, 0 when absent. */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe('the admin API request metrics', () => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await AdminApiHarness.start('admin-request-metrics');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('counts requests by route pattern and status class, never by path', async () => {
    const metrics = async () => (await fetch(`${api.url}/metrics`)).text();
    const tenantRoute =
      'gatehouse_admin_requests_total{route="/api/v1/tenants/:tenantId",method="GET",status_class="4xx"}';
    const unmatched = 'gatehouse_admin_requests_total{route="unmatched",method="GET",status_class="4xx"}';
    // The API's catch-all answers its unknown paths: its pattern is the label.
    const catchAll = 'gatehouse_admin_requests_total{route="/api/v1{/*splat}",method="GET",status_class="4xx"}';
    const before = await metrics();

    for (const id of ['a1', 'b2', 'c3']) expect((await fetch(`${api.url}/api/v1/tenants/${id}`)).status).toBe(401);
    for (const path of ['/nothing-here', '/api/v1/nothing/here']) {
      expect((await fetch(`${api.url}${path}`)).status).toBe(404);
    }

    const after = await metrics();
    expect(sample(after, tenantRoute) - sample(before, tenantRoute)).toBe(3);
    expect(sample(after, unmatched) - sample(before, unmatched)).toBe(1);
    expect(sample(after, catchAll) - sample(before, catchAll)).toBe(1);
    expect(after).not.toContain('a1');
    expect(after).not.toContain('nothing-here');
    expect(after).toContain(
      'gatehouse_admin_request_duration_seconds_bucket{le="0.005",route="/api/v1/tenants/:tenantId"',
    );
  });
});
