import {
  asTenantId,
  type PlatformUsageSeriesResponse,
  type PlatformUsageSummaryResponse,
  type SubscriptionResponse,
  type TenantUsageSeriesResponse,
  type TenantUsageSummaryResponse,
  type UsageTotalsResponse,
} from '@gatehouse/contracts';
import { rollupSlices, UsageIngestionRepository, type UsageEventInput, UsageReportRepository } from '@gatehouse/db';
import { calendarPeriods } from '@gatehouse/domain';
import { randomBytes, randomUUID } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

type ErrorBody = { statusCode: number; code: string; message: string; details?: unknown };

const KOLKATA = 'Asia/Kolkata';
const MINUTE_MS = 60_000;

/** One gateway call to ingest, with the cost the ingestion must price it at (worked out by hand below). */
interface Call {
  at: Date | string;
  tenantId: string;
  apiKeyId: string;
  productId: string;
  model: string | null;
  statusCode?: number;
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  costMicros: number;
}

/** The sums a report must show for `calls`. */
function totalsOf(calls: readonly Call[]): UsageTotalsResponse {
  const sum = (pick: (call: Call) => number) => calls.reduce((total, call) => total + pick(call), 0);
  return {
    requests: calls.length,
    errors: calls.filter((call) => (call.statusCode ?? 200) >= 400).length,
    inputTokens: sum((call) => call.inputTokens ?? 0),
    outputTokens: sum((call) => call.outputTokens ?? 0),
    cachedTokens: sum((call) => call.cachedTokens ?? 0),
    costUsd: sum((call) => call.costMicros) / 1e6,
  };
}

const within = (calls: readonly Call[], from: number, to: number) =>
  calls.filter((call) => new Date(call.at).getTime() >= from && new Date(call.at).getTime() < to);

const percentOf = (used: number, limit: number) => Math.round((used / limit) * 10_000) / 100;

describe('usage and cost reports', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let demoId: string;
  let httpProductId: string;
  /** Every call ingested by this suite, for the platform-wide expectations. */
  const ledger: Call[] = [];

  beforeAll(async () => {
    api = await AdminApiHarness.start('usage-reports');
    admin = await api.admin();
    demoId = (await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    // An HTTP product: its calls have no model (rollup model '') and no price.
    httpProductId = (
      await api.db.product.create({
        data: { slug: 'usage-http', name: 'Usage HTTP', kind: 'HTTP', status: 'PUBLISHED' },
      })
    ).id;
  });

  afterAll(async () => {
    await api.close();
  });

  async function ingest(calls: Call[]): Promise<void> {
    const events = calls.map((call): UsageEventInput => ({
      requestId: randomUUID(),
      occurredAt: new Date(call.at),
      tenantId: call.tenantId,
      apiKeyId: call.apiKeyId,
      subscriptionId: null,
      productId: call.productId,
      model: call.model,
      providerId: null,
      upstreamModel: null,
      endpoint: call.model === null ? 'http' : 'chat.completions',
      statusCode: call.statusCode ?? 200,
      errorCode: (call.statusCode ?? 200) >= 400 ? 'upstream_error' : null,
      latencyMs: 10,
      timeToFirstByteMs: null,
      timeToFirstTokenMs: null,
      inputTokens: call.inputTokens ?? 0,
      outputTokens: call.outputTokens ?? 0,
      cachedTokens: call.cachedTokens ?? 0,
      usageSource: call.model === null ? 'none' : 'upstream',
      streamed: false,
      cacheHit: false,
      policyActions: [],
    }));
    expect(await new UsageIngestionRepository(api.db).ingest(events)).toEqual({ inserted: calls.length });
    ledger.push(...calls);
  }

  async function renameTenant(tenantId: string, name: string, data: { timeZone?: string; budget?: string } = {}) {
    await api.db.tenant.update({
      where: { id: tenantId },
      data: { name, timeZone: data.timeZone, monthlyBudgetUsd: data.budget },
    });
  }

  async function createKey(tenantId: string, name: string, prefix: string): Promise<string> {
    const key = await api.db.apiKey.create({
      data: { tenantId, name, prefix, hash: randomBytes(32).toString('hex'), last4: 'abcd' },
      select: { id: true },
    });
    return key.id;
  }

  /** A CSV export as a browser downloads it. */
  async function csv(path: string, token: string) {
    const response = await api.request<string>('GET', path, { token, headers: { accept: 'text/csv' } });
    return { status: response.status, headers: response.headers, text: response.body };
  }

  /**
   * Two days in June 2025 (priced at the seed's prices, in force since January 2025): tenant A's calls on two
   * keys, two models and an HTTP product, and tenant B's call in the same hour, which A must never see.
   * demo-chat costs 0.5 / 1.5 USD per 1M input / output tokens and 0.25 per 1M cached input; demo-embed 0.02.
   */
  describe('series', () => {
    const RANGE = 'from=2025-06-10T00:00:00Z&to=2025-06-12T00:00:00Z';
    let owner: TestUser;
    let viewer: TestUser;
    let other: TestUser;
    let alphaKey: string;
    let betaKey: string;

    beforeAll(async () => {
      owner = await api.tenantUser('OWNER');
      viewer = await api.tenantUser('VIEWER', owner.tenantId);
      other = await api.tenantUser('OWNER');
      await renameTenant(owner.tenantId, 'Acme Usage');
      await renameTenant(other.tenantId, 'Zeta, "Inc"');
      alphaKey = await createKey(owner.tenantId, 'alpha key', 'gh_live_alph');
      // A name that needs quoting in CSV and starts like a spreadsheet formula.
      betaKey = await createKey(owner.tenantId, '=beta, "quoted"', 'gh_live_beta');
      const otherKey = await createKey(other.tenantId, 'zeta key', 'gh_live_zeta');
      const a = { tenantId: owner.tenantId, productId: demoId };
      await ingest([
        // 800 × 0.5 + 200 × 0.25 + 200 × 1.5 = 750 µUSD.
        {
          ...a,
          at: '2025-06-10T10:05:00Z',
          apiKeyId: alphaKey,
          model: 'demo-chat',
          inputTokens: 1_000,
          outputTokens: 200,
          cachedTokens: 200,
          costMicros: 750,
        },
        // 3 × 0.5 = 1.5 µUSD, rounded up to 2 for the call.
        { ...a, at: '2025-06-10T10:40:00Z', apiKeyId: betaKey, model: 'demo-chat', inputTokens: 3, costMicros: 2 },
        // 1 000 × 0.02 = 20 µUSD.
        {
          ...a,
          at: '2025-06-10T10:50:00Z',
          apiKeyId: alphaKey,
          model: 'demo-embed',
          inputTokens: 1_000,
          costMicros: 20,
        },
        { ...a, at: '2025-06-10T11:15:00Z', apiKeyId: alphaKey, model: 'demo-chat', statusCode: 502, costMicros: 0 },
        {
          ...a,
          at: '2025-06-10T11:30:00Z',
          apiKeyId: betaKey,
          productId: httpProductId,
          model: null,
          costMicros: 0,
        },
        // 2 000 × 0.5 + 1 000 × 1.5 = 2 500 µUSD.
        {
          ...a,
          at: '2025-06-11T09:00:00Z',
          apiKeyId: alphaKey,
          model: 'demo-chat',
          inputTokens: 2_000,
          outputTokens: 1_000,
          costMicros: 2_500,
        },
        // Tenant B, in tenant A's busiest hour: 5 000 × 0.5 + 5 000 × 1.5 = 10 000 µUSD.
        {
          tenantId: other.tenantId,
          productId: demoId,
          at: '2025-06-10T10:10:00Z',
          apiKeyId: otherKey,
          model: 'demo-chat',
          inputTokens: 5_000,
          outputTokens: 5_000,
          costMicros: 10_000,
        },
      ]);
    });

    const usage = (tenantId: string, query: string, token: string) =>
      api.request<TenantUsageSeriesResponse>('GET', `/tenants/${tenantId}/usage?${query}`, { token });

    const totals = (requests: number, errors: number, input: number, output: number, cached: number, cost: number) => ({
      requests,
      errors,
      inputTokens: input,
      outputTokens: output,
      cachedTokens: cached,
      costUsd: cost,
    });

    it('answers a viewer hour buckets of the tenant only, from inclusive and to exclusive', async () => {
      const response = await usage(owner.tenantId, `${RANGE}&granularity=hour`, viewer.token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: [
          { bucket: '2025-06-10T10:00:00.000Z', ...totals(3, 0, 2_003, 200, 200, 0.000772) },
          { bucket: '2025-06-10T11:00:00.000Z', ...totals(2, 1, 0, 0, 0, 0) },
          { bucket: '2025-06-11T09:00:00.000Z', ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
        ],
        nextCursor: null,
        from: '2025-06-10T00:00:00.000Z',
        to: '2025-06-12T00:00:00.000Z',
        granularity: 'hour',
        groupBy: null,
      });

      // `to` is exclusive: the bucket that starts at it is left out, the one just before it is in.
      const cut = await usage(
        owner.tenantId,
        'from=2025-06-10T10:00:00Z&to=2025-06-11T09:00:00Z&granularity=hour',
        viewer.token,
      );
      expect(cut.body.items.map((item) => item.bucket)).toEqual([
        '2025-06-10T10:00:00.000Z',
        '2025-06-10T11:00:00.000Z',
      ]);
    });

    it('answers day buckets, and accepts dates with an offset', async () => {
      const response = await usage(
        owner.tenantId,
        `from=${encodeURIComponent('2025-06-10T05:30:00+05:30')}&to=2025-06-12T00:00:00Z&granularity=day`,
        owner.token,
      );
      expect(response.status).toBe(200);
      expect(response.body.from).toBe('2025-06-10T00:00:00.000Z');
      expect(response.body.items).toEqual([
        { bucket: '2025-06-10T00:00:00.000Z', ...totals(5, 1, 2_003, 200, 200, 0.000772) },
        { bucket: '2025-06-11T00:00:00.000Z', ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
      ]);
    });

    it('groups by model, the HTTP product showing as the empty model', async () => {
      const response = await usage(owner.tenantId, `${RANGE}&groupBy=model`, viewer.token);
      expect(response.status).toBe(200);
      expect(response.body.groupBy).toBe('model');
      expect(response.body.granularity).toBe('day');
      expect(response.body.items).toEqual([
        { bucket: '2025-06-10T00:00:00.000Z', model: '', ...totals(1, 0, 0, 0, 0, 0) },
        { bucket: '2025-06-10T00:00:00.000Z', model: 'demo-chat', ...totals(3, 1, 1_003, 200, 200, 0.000752) },
        { bucket: '2025-06-10T00:00:00.000Z', model: 'demo-embed', ...totals(1, 0, 1_000, 0, 0, 0.00002) },
        { bucket: '2025-06-11T00:00:00.000Z', model: 'demo-chat', ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
      ]);
    });

    it('groups by key, with the key names', async () => {
      const response = await usage(owner.tenantId, `${RANGE}&groupBy=key`, viewer.token);
      expect(response.status).toBe(200);
      const beta = { apiKeyId: betaKey, keyName: '=beta, "quoted"', keyPrefix: 'gh_live_beta' };
      const alpha = { apiKeyId: alphaKey, keyName: 'alpha key', keyPrefix: 'gh_live_alph' };
      expect(response.body.items).toEqual([
        { bucket: '2025-06-10T00:00:00.000Z', ...beta, ...totals(2, 0, 3, 0, 0, 0.000002) },
        { bucket: '2025-06-10T00:00:00.000Z', ...alpha, ...totals(3, 1, 2_000, 200, 200, 0.00077) },
        { bucket: '2025-06-11T00:00:00.000Z', ...alpha, ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
      ]);
    });

    it('groups by product', async () => {
      const response = await usage(owner.tenantId, `${RANGE}&groupBy=product&granularity=hour`, viewer.token);
      expect(response.status).toBe(200);
      const demo = { productId: demoId, productSlug: 'demo', productName: 'Demo' };
      const http = { productId: httpProductId, productSlug: 'usage-http', productName: 'Usage HTTP' };
      expect(response.body.items).toEqual([
        { bucket: '2025-06-10T10:00:00.000Z', ...demo, ...totals(3, 0, 2_003, 200, 200, 0.000772) },
        { bucket: '2025-06-10T11:00:00.000Z', ...demo, ...totals(1, 1, 0, 0, 0, 0) },
        { bucket: '2025-06-10T11:00:00.000Z', ...http, ...totals(1, 0, 0, 0, 0, 0) },
        { bucket: '2025-06-11T09:00:00.000Z', ...demo, ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
      ]);
    });

    it('answers an empty series for a range without usage, and for a tenant without any', async () => {
      const quiet = await usage(owner.tenantId, 'from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z', owner.token);
      expect(quiet.status).toBe(200);
      expect(quiet.body).toEqual({
        items: [],
        nextCursor: null,
        from: '2025-01-01T00:00:00.000Z',
        to: '2025-01-02T00:00:00.000Z',
        granularity: 'day',
        groupBy: null,
      });
      const newcomer = await api.tenantUser('OWNER');
      const none = await usage(newcomer.tenantId, `${RANGE}&groupBy=key`, newcomer.token);
      expect(none.status).toBe(200);
      expect(none.body.items).toEqual([]);
    });

    it('defaults to the last 30 days in day buckets, and the last 24 hours in hour buckets', async () => {
      const before = Date.now();
      const byDay = await usage(owner.tenantId, '', owner.token);
      const byHour = await usage(owner.tenantId, 'granularity=hour', owner.token);
      const after = Date.now();
      expect(byDay.status).toBe(200);
      expect(byDay.body.granularity).toBe('day');
      expect(byDay.body.groupBy).toBeNull();
      // The current bucket is included: `to` is the end of it.
      const dayEnds = [before, after].map((now) => Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000);
      expect(dayEnds).toContain(Date.parse(byDay.body.to));
      expect(Date.parse(byDay.body.to) - Date.parse(byDay.body.from)).toBe(30 * 86_400_000);
      const hourEnds = [before, after].map((now) => Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000);
      expect(hourEnds).toContain(Date.parse(byHour.body.to));
      expect(Date.parse(byHour.body.to) - Date.parse(byHour.body.from)).toBe(24 * 3_600_000);
    });

    it('refuses bad dates, an empty or reversed range, unknown options and too large a range with 400', async () => {
      const cases: [string, string, string | null][] = [
        ['from=yesterday', 'validation_failed', 'from'],
        ['to=2025-02-30T00:00:00Z', 'validation_failed', 'to'],
        ['granularity=minute', 'validation_failed', 'granularity'],
        ['groupBy=tenant', 'validation_failed', 'groupBy'],
        ['from=2025-06-10T00:00:00Z&to=2025-06-10T00:00:00Z', 'invalid_time_range', null],
        ['from=2025-06-11T00:00:00Z&to=2025-06-10T00:00:00Z', 'invalid_time_range', null],
        ['from=2025-06-01T00:00:00Z&to=2025-07-02T00:00:01Z&granularity=hour', 'time_range_too_large', null],
        ['from=2024-01-01T00:00:00Z&to=2025-02-05T00:00:00Z&granularity=day', 'time_range_too_large', null],
      ];
      for (const [query, code, field] of cases) {
        for (const path of ['usage', 'usage/export.csv']) {
          const response = await api.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/${path}?${query}`, {
            token: owner.token,
          });
          expect({ query, path, status: response.status, code: response.body.code }).toEqual({
            query,
            path,
            status: 400,
            code,
          });
          expect(response.body.message).toEqual(expect.any(String));
          if (field) expect(response.body.details).toEqual([{ field, reason: expect.any(String) as string }]);
        }
      }
      // The widest ranges allowed: 31 days of hours, 400 days of days.
      const widestHours = 'from=2025-06-01T00:00:00Z&to=2025-07-02T00:00:00Z&granularity=hour';
      expect((await usage(owner.tenantId, widestHours, owner.token)).status).toBe(200);
      const widestDays = 'from=2024-06-01T00:00:00Z&to=2025-07-06T00:00:00Z';
      expect((await usage(owner.tenantId, widestDays, owner.token)).status).toBe(200);
    });

    it('answers 404 to a member of another tenant on every usage route, and to an admin for an unknown tenant', async () => {
      for (const path of ['usage', 'usage/summary', 'usage/export.csv']) {
        const refused = await api.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/${path}?${RANGE}`, {
          token: other.token,
        });
        expect({ path, status: refused.status, code: refused.body.code }).toEqual({
          path,
          status: 404,
          code: 'tenant_not_found',
        });
        const missing = await api.request<ErrorBody>('GET', `/tenants/${randomUUID()}/${path}`, {
          token: admin.token,
        });
        expect({ path, status: missing.status, code: missing.body.code }).toEqual({
          path,
          status: 404,
          code: 'tenant_not_found',
        });
      }
      // The other tenant sees its own call only.
      const own = await usage(other.tenantId, `${RANGE}&groupBy=key`, other.token);
      expect(own.body.items).toEqual([
        {
          bucket: '2025-06-10T00:00:00.000Z',
          apiKeyId: expect.any(String) as string,
          keyName: 'zeta key',
          keyPrefix: 'gh_live_zeta',
          ...totals(1, 0, 5_000, 5_000, 0, 0.01),
        },
      ]);
    });

    it('exports the same rows as CSV: a header line, RFC 4180 quoting, cost with 6 decimals', async () => {
      const response = await csv(`/tenants/${owner.tenantId}/usage/export.csv?${RANGE}&groupBy=key`, viewer.token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="usage-${owner.tenantId}-day-20250610T000000Z-20250612T000000Z.csv"`,
      );
      expect(response.text).toBe(
        [
          'bucket,apiKeyId,keyName,keyPrefix,requests,errors,inputTokens,outputTokens,cachedTokens,costUsd',
          // The leading apostrophe keeps a spreadsheet from running the name as a formula.
          `2025-06-10T00:00:00.000Z,${betaKey},"'=beta, ""quoted""",gh_live_beta,2,0,3,0,0,0.000002`,
          `2025-06-10T00:00:00.000Z,${alphaKey},alpha key,gh_live_alph,3,1,2000,200,200,0.000770`,
          `2025-06-11T00:00:00.000Z,${alphaKey},alpha key,gh_live_alph,1,0,2000,1000,0,0.002500`,
          '',
        ].join('\r\n'),
      );

      const ungrouped = await csv(`/tenants/${owner.tenantId}/usage/export.csv?${RANGE}&granularity=hour`, owner.token);
      expect(ungrouped.text).toBe(
        [
          'bucket,requests,errors,inputTokens,outputTokens,cachedTokens,costUsd',
          '2025-06-10T10:00:00.000Z,3,0,2003,200,200,0.000772',
          '2025-06-10T11:00:00.000Z,2,1,0,0,0,0.000000',
          '2025-06-11T09:00:00.000Z,1,0,2000,1000,0,0.002500',
          '',
        ].join('\r\n'),
      );

      const empty = await csv(
        `/tenants/${owner.tenantId}/usage/export.csv?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z&groupBy=model`,
        owner.token,
      );
      expect(empty.text).toBe('bucket,model,requests,errors,inputTokens,outputTokens,cachedTokens,costUsd\r\n');
    });

    it('answers platform admins every tenant, grouped by tenant, model or product, in JSON and CSV', async () => {
      const platform = (query: string) =>
        api.request<PlatformUsageSeriesResponse>('GET', `/admin/usage?${query}`, { token: admin.token });

      const byTenant = await platform(`${RANGE}&groupBy=tenant`);
      expect(byTenant.status).toBe(200);
      const acme = { tenantId: owner.tenantId, tenantName: 'Acme Usage' };
      const zeta = { tenantId: other.tenantId, tenantName: 'Zeta, "Inc"' };
      expect(byTenant.body).toEqual({
        items: [
          { bucket: '2025-06-10T00:00:00.000Z', ...acme, ...totals(5, 1, 2_003, 200, 200, 0.000772) },
          { bucket: '2025-06-10T00:00:00.000Z', ...zeta, ...totals(1, 0, 5_000, 5_000, 0, 0.01) },
          { bucket: '2025-06-11T00:00:00.000Z', ...acme, ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
        ],
        nextCursor: null,
        from: '2025-06-10T00:00:00.000Z',
        to: '2025-06-12T00:00:00.000Z',
        granularity: 'day',
        groupBy: 'tenant',
      });

      const byModel = await platform(`${RANGE}&groupBy=model&granularity=hour`);
      expect(byModel.body.items).toEqual([
        { bucket: '2025-06-10T10:00:00.000Z', model: 'demo-chat', ...totals(3, 0, 6_003, 5_200, 200, 0.010752) },
        { bucket: '2025-06-10T10:00:00.000Z', model: 'demo-embed', ...totals(1, 0, 1_000, 0, 0, 0.00002) },
        { bucket: '2025-06-10T11:00:00.000Z', model: '', ...totals(1, 0, 0, 0, 0, 0) },
        { bucket: '2025-06-10T11:00:00.000Z', model: 'demo-chat', ...totals(1, 1, 0, 0, 0, 0) },
        { bucket: '2025-06-11T09:00:00.000Z', model: 'demo-chat', ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
      ]);

      const byProduct = await platform(RANGE + '&groupBy=product');
      expect(byProduct.body.items.map((item) => [item.bucket, item.productSlug, item.requests])).toEqual([
        ['2025-06-10T00:00:00.000Z', 'demo', 5],
        ['2025-06-10T00:00:00.000Z', 'usage-http', 1],
        ['2025-06-11T00:00:00.000Z', 'demo', 1],
      ]);

      const ungrouped = await platform(RANGE);
      expect(ungrouped.body.items).toEqual([
        { bucket: '2025-06-10T00:00:00.000Z', ...totals(6, 1, 7_003, 5_200, 200, 0.010772) },
        { bucket: '2025-06-11T00:00:00.000Z', ...totals(1, 0, 2_000, 1_000, 0, 0.0025) },
      ]);

      for (const [query, code] of [
        ['groupBy=key', 'validation_failed'],
        ['from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z', 'invalid_time_range'],
      ]) {
        const refused = await api.request<ErrorBody>('GET', `/admin/usage?${query}`, { token: admin.token });
        expect({ query, status: refused.status, code: refused.body.code }).toEqual({ query, status: 400, code });
      }

      const exported = await csv(`/admin/usage/export.csv?${RANGE}&groupBy=tenant`, admin.token);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toBe(
        'attachment; filename="usage-all-tenants-day-20250610T000000Z-20250612T000000Z.csv"',
      );
      expect(exported.text).toBe(
        [
          'bucket,tenantId,tenantName,requests,errors,inputTokens,outputTokens,cachedTokens,costUsd',
          `2025-06-10T00:00:00.000Z,${owner.tenantId},Acme Usage,5,1,2003,200,200,0.000772`,
          `2025-06-10T00:00:00.000Z,${other.tenantId},"Zeta, ""Inc""",1,0,5000,5000,0,0.010000`,
          `2025-06-11T00:00:00.000Z,${owner.tenantId},Acme Usage,1,0,2000,1000,0,0.002500`,
          '',
        ].join('\r\n'),
      );
    });

    it('refuses the platform reports to tenant members, owners included, with 403', async () => {
      for (const path of ['/admin/usage', '/admin/usage/summary', '/admin/usage/export.csv']) {
        for (const caller of [owner, viewer]) {
          const refused = await api.request<ErrorBody>('GET', path, { token: caller.token });
          expect({ path, status: refused.status, code: refused.body.code }).toEqual({
            path,
            status: 403,
            code: 'admin_only',
          });
        }
        expect((await api.request('GET', path)).status).toBe(401);
      }
    });
  });

  describe('a month in a +05:30 time zone', () => {
    /** May 2025 in Asia/Kolkata: from 2025-04-30T18:30Z to 2025-05-31T18:30Z, both mid-hour in UTC. */
    const MAY = { from: new Date('2025-04-30T18:30:00Z'), to: new Date('2025-05-31T18:30:00Z') };

    it('is covered by minute rollups for the partial hours, hour rollups around whole days, day rollups between', () => {
      const slice = (granularity: string, from: string, to: string) => ({
        granularity,
        from: new Date(from),
        to: new Date(to),
      });
      expect(rollupSlices(MAY)).toEqual([
        slice('MINUTE', '2025-04-30T18:30:00Z', '2025-04-30T19:00:00Z'),
        slice('HOUR', '2025-04-30T19:00:00Z', '2025-05-01T00:00:00Z'),
        slice('DAY', '2025-05-01T00:00:00Z', '2025-05-31T00:00:00Z'),
        slice('HOUR', '2025-05-31T00:00:00Z', '2025-05-31T18:00:00Z'),
        slice('MINUTE', '2025-05-31T18:00:00Z', '2025-05-31T18:30:00Z'),
      ]);
      // Within one hour, minutes only; an aligned range, no minutes at all.
      expect(rollupSlices({ from: new Date('2025-05-01T10:05:00Z'), to: new Date('2025-05-01T10:35:00Z') })).toEqual([
        slice('MINUTE', '2025-05-01T10:05:00Z', '2025-05-01T10:35:00Z'),
      ]);
      expect(rollupSlices({ from: new Date('2025-05-01T10:00:00Z'), to: new Date('2025-05-01T12:00:00Z') })).toEqual([
        slice('HOUR', '2025-05-01T10:00:00Z', '2025-05-01T12:00:00Z'),
      ]);
      expect(rollupSlices({ from: MAY.to, to: MAY.to })).toEqual([]);
      // The helper's periods are the calendar's.
      const may = calendarPeriods(Date.parse('2025-05-15T12:00:00Z'), KOLKATA).month;
      expect([may.id, new Date(may.startsAt), new Date(may.endsAt)]).toEqual(['2025-05', MAY.from, MAY.to]);
    });

    it("sums exactly the month's calls, though its first and last hour buckets hold the neighbours' too", async () => {
      const owner = await api.tenantUser('OWNER');
      const key = await createKey(owner.tenantId, 'may key', 'gh_live_mayk');
      const call = (at: string, inputTokens: number, costMicros: number): Call => ({
        at,
        tenantId: owner.tenantId,
        apiKeyId: key,
        productId: demoId,
        model: 'demo-chat',
        inputTokens,
        costMicros,
      });
      // 2 × 0.5 = 1 µUSD per 2 tokens: each call's tokens tell which were counted.
      await ingest([
        call('2025-04-30T18:29:59Z', 2, 1),
        call('2025-04-30T18:30:00Z', 20, 10),
        call('2025-05-15T12:00:00Z', 200, 100),
        call('2025-05-31T18:29:00Z', 2_000, 1_000),
        call('2025-05-31T18:30:00Z', 20_000, 10_000),
      ]);
      const reports = new UsageReportRepository(api.db);
      const tenantId = asTenantId(owner.tenantId);
      expect(await reports.periodForTenant(tenantId, MAY, null)).toEqual([
        { requests: 3, errors: 0, inputTokens: 2_220, outputTokens: 0, cachedTokens: 0, costUsd: '0.001110000' },
      ]);
      expect(await reports.periodForTenant(tenantId, MAY, 'model')).toEqual([
        {
          model: 'demo-chat',
          requests: 3,
          errors: 0,
          inputTokens: 2_220,
          outputTokens: 0,
          cachedTokens: 0,
          costUsd: '0.001110000',
        },
      ]);
      // The same month in UTC has the other neighbours: it starts and ends on whole days.
      const utcMay = { from: new Date('2025-05-01T00:00:00Z'), to: new Date('2025-06-01T00:00:00Z') };
      expect((await reports.periodForTenant(tenantId, utcMay, null))[0]?.inputTokens).toBe(22_200);
      // A range without usage still sums to zeros.
      expect(await reports.periodForTenant(tenantId, { from: MAY.to, to: MAY.to }, null)).toEqual([
        { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: '0' },
      ]);
    });
  });

  /**
   * The current month, so these use the real clock: a tenant in Asia/Kolkata whose month starts at 18:30 UTC,
   * with a call one minute before that (in the same UTC hour bucket) that must not count.
   */
  describe('summaries of the current period', () => {
    let owner: TestUser;
    let viewer: TestUser;
    let subscription: SubscriptionResponse;
    let planId: string;
    let alphaKey: string;
    let betaKey: string;
    const calls: Call[] = [];
    const periods = () => calendarPeriods(Date.now(), KOLKATA);

    beforeAll(async () => {
      owner = await api.tenantUser('OWNER');
      viewer = await api.tenantUser('VIEWER', owner.tenantId);
      await renameTenant(owner.tenantId, 'Kolkata Usage', { timeZone: KOLKATA, budget: '0.006' });
      alphaKey = await createKey(owner.tenantId, 'alpha', 'gh_live_kola');
      betaKey = await createKey(owner.tenantId, 'beta', 'gh_live_kolb');

      planId = (await api.db.plan.findFirstOrThrow({ where: { productId: demoId, name: 'demo-pro' } })).id;
      const requested = await api.request<SubscriptionResponse>('POST', `/tenants/${owner.tenantId}/subscriptions`, {
        token: owner.token,
        body: { productId: demoId, planId },
      });
      expect(requested.status).toBe(201);
      // demo-pro has no daily quota, 50M tokens, 1M calls and 100 USD a month; the approval overrides all four.
      const approved = await api.request<SubscriptionResponse>(
        'POST',
        `/admin/subscriptions/${requested.body.id}/approve`,
        {
          token: admin.token,
          body: {
            limits: { monthlyBudgetUsd: '0.004', monthlyTokens: 10_000, monthlyCalls: null, dailyTokens: 5_000 },
          },
        },
      );
      expect(approved.status).toBe(200);
      subscription = approved.body;

      const { month, day } = periods();
      const at = (instant: number) => new Date(instant).toISOString();
      const base = { tenantId: owner.tenantId, productId: demoId };
      calls.push(
        // The previous month's last minute, in the same UTC hour bucket as the next call.
        {
          ...base,
          at: at(month.startsAt - MINUTE_MS),
          apiKeyId: alphaKey,
          model: 'demo-chat',
          inputTokens: 1_000,
          outputTokens: 1_000,
          costMicros: 2_000,
        },
        {
          ...base,
          at: at(month.startsAt + MINUTE_MS),
          apiKeyId: alphaKey,
          model: 'demo-chat',
          inputTokens: 1_000,
          costMicros: 500,
        },
        {
          ...base,
          at: at(month.startsAt + 45 * MINUTE_MS),
          apiKeyId: betaKey,
          model: 'demo-chat',
          inputTokens: 2_000,
          outputTokens: 1_000,
          costMicros: 2_500,
        },
        {
          ...base,
          at: at(month.startsAt + 120 * MINUTE_MS),
          apiKeyId: alphaKey,
          productId: httpProductId,
          model: null,
          costMicros: 0,
        },
        {
          ...base,
          at: at(month.startsAt + 180 * MINUTE_MS),
          apiKeyId: betaKey,
          model: 'demo-embed',
          inputTokens: 1_000,
          costMicros: 20,
        },
        // Today, in Kolkata (on the 1st, today starts with the month: the daily expectations follow the calls).
        {
          ...base,
          at: at(day.startsAt + MINUTE_MS),
          apiKeyId: alphaKey,
          model: 'demo-chat',
          inputTokens: 1_000,
          outputTokens: 1_000,
          costMicros: 2_000,
        },
      );
      await ingest(calls);
      // Another tenant's call in the same month never counts.
      const stranger = await api.tenantUser('OWNER');
      const strangerKey = await createKey(stranger.tenantId, 'stranger', 'gh_live_strg');
      await ingest([
        {
          tenantId: stranger.tenantId,
          productId: demoId,
          at: at(month.startsAt + 30 * MINUTE_MS),
          apiKeyId: strangerKey,
          model: 'demo-chat',
          inputTokens: 10_000,
          costMicros: 5_000,
        },
      ]);
    });

    it('puts the calls on both sides of the month start in one UTC hour bucket', async () => {
      const hour = Math.floor(periods().month.startsAt / 3_600_000) * 3_600_000;
      const rollup = await api.db.usageRollup.findMany({
        where: { tenantId: owner.tenantId, granularity: 'HOUR', bucketStart: new Date(hour) },
      });
      expect(rollup.map((row) => row.requests)).toEqual([2]);
    });

    it("answers a viewer the month's totals against the budget, each subscription against its limits, and the top keys and models", async () => {
      const response = await api.request<TenantUsageSummaryResponse>(
        'GET',
        `/tenants/${owner.tenantId}/usage/summary`,
        {
          token: viewer.token,
        },
      );
      expect(response.status).toBe(200);
      const { month, day } = calendarPeriods(Date.now(), KOLKATA);
      const today = within(calls, day.startsAt, day.endsAt).filter((call) => call.productId === demoId);
      const todayTokens = today.reduce((sum, call) => sum + (call.inputTokens ?? 0) + (call.outputTokens ?? 0), 0);

      expect(response.body).toEqual({
        tenantId: owner.tenantId,
        timeZone: KOLKATA,
        period: {
          id: month.id,
          from: new Date(month.startsAt).toISOString(),
          to: new Date(month.endsAt).toISOString(),
        },
        today: { id: day.id, from: new Date(day.startsAt).toISOString(), to: new Date(day.endsAt).toISOString() },
        // Five calls: the one a minute before the month started is not among them.
        totals: { requests: 5, errors: 0, inputTokens: 5_000, outputTokens: 2_000, cachedTokens: 0, costUsd: 0.00502 },
        // 5 020 µUSD of 6 000.
        budget: { limit: 0.006, used: 0.00502, percent: 83.67 },
        subscriptions: [
          {
            subscriptionId: subscription.id,
            productId: demoId,
            productSlug: 'demo',
            productName: 'Demo',
            planId,
            planName: 'demo-pro',
            // The demo product's calls only: not the HTTP product's.
            usage: {
              requests: 4,
              errors: 0,
              inputTokens: 5_000,
              outputTokens: 2_000,
              cachedTokens: 0,
              costUsd: 0.00502,
            },
            limits: {
              monthlyBudgetUsd: { limit: 0.004, used: 0.00502, percent: 125.5 },
              monthlyTokens: { limit: 10_000, used: 7_000, percent: 70 },
              // Lifted by the approval.
              monthlyCalls: null,
              dailyTokens: { limit: 5_000, used: todayTokens, percent: percentOf(todayTokens, 5_000) },
            },
          },
        ],
        topKeys: [
          {
            apiKeyId: betaKey,
            keyName: 'beta',
            keyPrefix: 'gh_live_kolb',
            requests: 2,
            errors: 0,
            inputTokens: 3_000,
            outputTokens: 1_000,
            cachedTokens: 0,
            costUsd: 0.00252,
          },
          {
            apiKeyId: alphaKey,
            keyName: 'alpha',
            keyPrefix: 'gh_live_kola',
            requests: 3,
            errors: 0,
            inputTokens: 2_000,
            outputTokens: 1_000,
            cachedTokens: 0,
            costUsd: 0.0025,
          },
        ],
        topModels: [
          {
            model: 'demo-chat',
            requests: 3,
            errors: 0,
            inputTokens: 4_000,
            outputTokens: 2_000,
            cachedTokens: 0,
            costUsd: 0.005,
          },
          {
            model: 'demo-embed',
            requests: 1,
            errors: 0,
            inputTokens: 1_000,
            outputTokens: 0,
            cachedTokens: 0,
            costUsd: 0.00002,
          },
          { model: '', requests: 1, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
        ],
      });
      expect(todayTokens).toBeGreaterThanOrEqual(2_000);
    });

    it('answers a tenant without usage, budget or subscriptions with zeros and nulls', async () => {
      const quiet = await api.tenantUser('OWNER');
      const response = await api.request<TenantUsageSummaryResponse>(
        'GET',
        `/tenants/${quiet.tenantId}/usage/summary`,
        {
          token: quiet.token,
        },
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        timeZone: 'UTC',
        totals: { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
        budget: null,
        subscriptions: [],
        topKeys: [],
        topModels: [],
      });
    });

    it("answers platform admins this UTC month's spend, top tenants and models, and the tenants burning their budgets", async () => {
      // Two more tenants with budgets, in UTC: one past 80 %, one exactly at it; and one well below.
      const utcMonth = calendarPeriods(Date.now(), 'UTC').month;
      const inUtcMonth = new Date(utcMonth.startsAt + 5 * MINUTE_MS).toISOString();
      const budgeted = async (name: string, budget: string, costMicros: number, inputTokens: number) => {
        const user = await api.tenantUser('OWNER');
        await renameTenant(user.tenantId, name, { budget });
        const key = await createKey(user.tenantId, `${name} key`, 'gh_live_burn');
        await ingest([
          {
            tenantId: user.tenantId,
            productId: demoId,
            apiKeyId: key,
            at: inUtcMonth,
            model: 'demo-chat',
            inputTokens,
            costMicros,
          },
        ]);
        return user.tenantId;
      };
      // 2 500 µUSD of 3 000 = 83.33 %; 2 000 of 2 500 = 80 %; 1 000 of 10 000 = 10 %.
      const hot = await budgeted('Hot Usage', '0.003', 2_500, 5_000);
      const edge = await budgeted('Edge Usage', '0.0025', 2_000, 4_000);
      await budgeted('Cool Usage', '0.01', 1_000, 2_000);

      const response = await api.request<PlatformUsageSummaryResponse>('GET', '/admin/usage/summary', {
        token: admin.token,
      });
      expect(response.status).toBe(200);

      const monthCalls = within(ledger, utcMonth.startsAt, utcMonth.endsAt);
      const rank = <Key extends string>(keyOf: (call: Call) => Key) => {
        const groups = new Map<Key, Call[]>();
        for (const call of monthCalls) groups.set(keyOf(call), [...(groups.get(keyOf(call)) ?? []), call]);
        return [...groups].map(([key, group]) => ({ key, ...totalsOf(group) }));
      };
      const byCost = (a: { costUsd: number; requests: number }, b: { costUsd: number; requests: number }) =>
        b.costUsd - a.costUsd || b.requests - a.requests;
      const tenantNames = new Map(
        (await api.db.tenant.findMany({ select: { id: true, name: true } })).map((tenant) => [tenant.id, tenant.name]),
      );
      const topTenants = rank((call) => call.tenantId)
        .map(({ key, ...sums }) => ({ tenantId: key, tenantName: tenantNames.get(key) ?? null, ...sums }))
        .sort((a, b) => byCost(a, b) || ((a.tenantName ?? '') < (b.tenantName ?? '') ? -1 : 1))
        .slice(0, 10);
      const topModels = rank((call) => call.model ?? '')
        .map(({ key, ...sums }) => ({ model: key, ...sums }))
        .sort((a, b) => byCost(a, b) || (a.model < b.model ? -1 : 1))
        .slice(0, 10);

      const kolkata = calendarPeriods(Date.now(), KOLKATA).month;
      const period = (p: { id: string; startsAt: number; endsAt: number }) => ({
        id: p.id,
        from: new Date(p.startsAt).toISOString(),
        to: new Date(p.endsAt).toISOString(),
      });
      expect(response.body).toEqual({
        timeZone: 'UTC',
        period: period(utcMonth),
        totals: totalsOf(monthCalls),
        topTenants,
        topModels,
        budgetBurn: [
          // Measured over its own month in Kolkata, whatever part of it falls in the UTC month.
          {
            tenantId: owner.tenantId,
            tenantName: 'Kolkata Usage',
            timeZone: KOLKATA,
            period: period(kolkata),
            budget: { limit: 0.006, used: 0.00502, percent: 83.67 },
          },
          {
            tenantId: hot,
            tenantName: 'Hot Usage',
            timeZone: 'UTC',
            period: period(utcMonth),
            budget: { limit: 0.003, used: 0.0025, percent: 83.33 },
          },
          {
            tenantId: edge,
            tenantName: 'Edge Usage',
            timeZone: 'UTC',
            period: period(utcMonth),
            budget: { limit: 0.0025, used: 0.002, percent: 80 },
          },
        ],
      });
      expect(response.body.topTenants.map((tenant) => tenant.tenantId)).toContain(hot);
    });
  });
});
