import { stackUrls } from '../support/stack';

/** The platform as `npm start` brings it up: every app answers, with the contract's paths. */
describe('the running platform', () => {
  it.each([
    ['gateway', `${stackUrls.gateway}/healthz`],
    ['admin-api', `${stackUrls.adminApi}/healthz`],
    ['worker', `${stackUrls.worker}/healthz`],
  ])('%s reports Postgres and Redis up on /healthz', async (_app, url) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('mock-provider lists its models', async () => {
    const response = await fetch(`${stackUrls.mockProvider}/v1/models`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: { id: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((model) => model.id)).toContain('mock-chat');
  });

  it('the portal serves its landing page', async () => {
    const response = await fetch(`${stackUrls.portal}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<title>');
    expect(html).toContain('Gatehouse');
    expect(html).toMatch(/href="\/signup"/);
  });

  it('the portal forwards /api/v1 to the admin API it was started with', async () => {
    const response = await fetch(`${stackUrls.portal}/api/v1/does-not-exist`);
    // admin-api's own 404, not the portal's HTML one and not the proxy's 502.
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it('admin-api serves its OpenAPI document', async () => {
    const response = await fetch(`${stackUrls.adminApi}/api/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; info: { title: string } };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('Gatehouse admin API');
  });
});
