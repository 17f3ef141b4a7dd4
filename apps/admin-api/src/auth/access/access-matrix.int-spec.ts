import { randomUUID } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../../test/admin-api-harness';
import { roleAtLeast, type TenantRole } from './access-rule';
import { describeRoutes, type RouteDescription } from './route-inventory';

/**
 * Every route of the admin API, walked with the wrong caller: no session, a member of another tenant, a
 * tenant member whose role is too low, a non-admin on an admin route. Routes added later are covered
 * without touching this file. Guards run before validation, so an empty body is enough to reach them.
 */
describe('access rules of every admin API route', () => {
  let api: AdminApiHarness;
  let routes: RouteDescription[];
  let owner: TestUser;
  let member: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    api = await AdminApiHarness.start('access-matrix');
    routes = describeRoutes(api.app);
    owner = await api.tenantUser('OWNER');
    member = await api.tenantUser('MEMBER', owner.tenantId);
    viewer = await api.tenantUser('VIEWER', owner.tenantId);
    stranger = await api.tenantUser('OWNER');
  });

  afterAll(async () => {
    await api.close();
  });

  /** GET and HEAD carry no body; everything else gets an empty one (guards run before validation). */
  const bodyFor = (route: RouteDescription) => (route.method === 'GET' || route.method === 'HEAD' ? undefined : {});

  function concretePath(route: RouteDescription, tenantId: string): string {
    return route.path
      .replace(/^\/api\/v1/, '')
      .replace(':tenantId', tenantId)
      .replace(/:[A-Za-z]+/g, () => randomUUID());
  }

  it('declares an access rule on every route', () => {
    expect(routes.map((route) => route.path)).toContain('/healthz');
    const undeclared = routes.filter((route) => route.rule === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  it('puts every tenant-scoped path under a tenant rule, and every /admin path under the admin rule', () => {
    const misplaced = routes.filter(
      (route) =>
        (route.path.includes(':tenantId') && route.rule?.kind !== 'tenant' && route.rule?.kind !== 'admin') ||
        (route.path.startsWith('/api/v1/admin/') && route.rule?.kind !== 'admin'),
    );
    expect(misplaced.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('answers 401 to a caller without a session on every non-public route', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((candidate) => candidate.rule?.kind !== 'public')) {
      if (!route.path.startsWith('/api/v1')) continue;
      const response = await api.request(route.method, concretePath(route, owner.tenantId), { body: bodyFor(route) });
      if (response.status !== 401) failures.push(`${route.method} ${route.path} → ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 404 on every tenant route to a member of another tenant, as if the tenant did not exist', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((candidate) => candidate.rule?.kind === 'tenant')) {
      const response = await api.request<{ code?: string }>(route.method, concretePath(route, owner.tenantId), {
        token: stranger.token,
        body: bodyFor(route),
      });
      if (response.status !== 404 || response.body.code !== 'tenant_not_found') {
        failures.push(`${route.method} ${route.path} → ${response.status} ${response.body.code ?? ''}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 on every tenant route to a member whose role is too low, and lets a high enough role past', async () => {
    const failures: string[] = [];
    const callers: [TenantRole, TestUser][] = [
      ['VIEWER', viewer],
      ['MEMBER', member],
      ['OWNER', owner],
    ];
    for (const route of routes) {
      const rule = route.rule;
      if (rule?.kind !== 'tenant') continue;
      for (const [role, caller] of callers) {
        const response = await api.request<{ code?: string }>(route.method, concretePath(route, owner.tenantId), {
          token: caller.token,
          body: bodyFor(route),
        });
        const refused = response.status === 403 && response.body.code === 'insufficient_role';
        if (roleAtLeast(role, rule.role) === refused) {
          failures.push(`${route.method} ${route.path} as ${role} (needs ${rule.role}) → ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 on every admin route to a tenant owner, and lets the platform admin past', async () => {
    const admin = await api.admin();
    const failures: string[] = [];
    for (const route of routes.filter((candidate) => candidate.rule?.kind === 'admin')) {
      const path = concretePath(route, owner.tenantId);
      const refused = await api.request<{ code?: string }>(route.method, path, {
        token: owner.token,
        body: bodyFor(route),
      });
      if (refused.status !== 403 || refused.body.code !== 'admin_only') {
        failures.push(`${route.method} ${route.path} as owner → ${refused.status}`);
      }
      const allowed = await api.request<{ code?: string }>(route.method, path, {
        token: admin.token,
        body: bodyFor(route),
      });
      if (allowed.status === 401 || allowed.status === 403) {
        failures.push(`${route.method} ${route.path} as admin → ${allowed.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
