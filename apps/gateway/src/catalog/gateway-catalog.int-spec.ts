import { randomBytes } from 'node:crypto';
import { eventually } from '@gatehouse/testing';
import { GatewayHarness } from '../../test/gateway-harness';
import { UpstreamPools } from '../upstream';
import { type CatalogSnapshot } from './catalog.types';
import { GatewayCatalog } from './gateway-catalog.service';

/** What a request to the model `alias` and to the HTTP product `slug` would be served with. */
function served(snapshot: CatalogSnapshot, alias: string, slug: string) {
  const model = snapshot.models.get(alias);
  return {
    price: model?.price?.inputPer1M ?? null,
    targets: model?.targets.map((target) => target.upstreamModel) ?? [],
    httpPath: snapshot.httpProducts.get(slug)?.upstream?.pathPrefix ?? null,
  };
}

describe('GatewayCatalog', () => {
  let gateway: GatewayHarness;
  let catalog: GatewayCatalog;

  /** A provider of its own, on a port nothing listens on: these tests never call it. */
  const provider = async () =>
    gateway.db.provider.create({
      data: {
        name: `catalog-${randomBytes(4).toString('hex')}`,
        type: 'OPENAI_COMPATIBLE',
        baseUrl: 'http://127.0.0.1:9',
        internal: true,
      },
      select: { id: true },
    });

  /** A published LLM product offering `alias`, priced at `inputPer1M`, routed to `upstreamModel` on `providerId`. */
  const modelProduct = async (alias: string, inputPer1M: string, upstreamModel: string, providerId: string) => {
    const product = await gateway.db.product.create({
      data: { slug: `${alias}-product`, name: alias, kind: 'LLM', status: 'PUBLISHED' },
      select: { id: true },
    });
    const route = await gateway.db.modelRoute.create({
      data: {
        alias,
        productId: product.id,
        prices: { create: [{ inputPer1M, outputPer1M: '1', effectiveFrom: new Date(Date.now() - 60_000) }] },
        targets: { create: [{ providerId, upstreamModel }] },
      },
      select: { id: true },
    });
    return { productId: product.id, routeId: route.id };
  };

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gateway-catalog');
    catalog = gateway.app.get(GatewayCatalog);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('applies a product change whole on one product message: no snapshot has the new targets with the old price', async () => {
    const [first, second] = [await provider(), await provider()];
    const model = await modelProduct('atomic-chat', '1', 'model-before', first.id);
    const http = await gateway.db.product.create({
      data: {
        slug: 'atomic-api',
        name: 'Atomic',
        kind: 'HTTP',
        status: 'PUBLISHED',
        httpProviderId: first.id,
        httpUpstreamPath: '/before',
      },
      select: { id: true },
    });
    await catalog.refresh();
    const before = { price: '1', targets: ['model-before'], httpPath: '/before' };
    const after = { price: '2', targets: ['model-after'], httpPath: '/after' };
    expect(served(await catalog.current(), 'atomic-chat', 'atomic-api')).toEqual(before);

    // Every snapshot the catalog serves from now until the change shows, read as often as the event loop allows.
    const seen: ReturnType<typeof served>[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.push(served(await catalog.current(), 'atomic-chat', 'atomic-api'));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await gateway.db.$transaction([
      gateway.db.modelPrice.updateMany({ where: { modelRouteId: model.routeId }, data: { inputPer1M: '2' } }),
      gateway.db.modelTarget.updateMany({
        where: { modelRouteId: model.routeId },
        data: { providerId: second.id, upstreamModel: 'model-after' },
      }),
      gateway.db.product.update({ where: { id: http.id }, data: { httpUpstreamPath: '/after' } }),
    ]);
    await gateway.publish({ kind: 'product', productId: model.productId });
    const changed = await eventually(() => seen.at(-1)?.price === '2', 2_000);
    watching = false;
    await watcher;

    expect(changed).toBe(true);
    expect(seen[0]).toEqual(before);
    expect(seen.at(-1)).toEqual(after);
    const mixed = seen.filter((view) => !isEqual(view, before) && !isEqual(view, after));
    expect([...new Set(mixed.map((view) => JSON.stringify(view)))]).toEqual([]);
  });

  it('reloads the targets and the upstream pools on a provider message', async () => {
    const [kept, disabled] = [await provider(), await provider()];
    const model = await modelProduct('provider-chat', '1', 'on-disabled', disabled.id);
    await gateway.db.modelTarget.create({
      data: { modelRouteId: model.routeId, providerId: kept.id, upstreamModel: 'on-kept', priority: 1 },
    });
    await catalog.refresh();
    expect(served(await catalog.current(), 'provider-chat', '').targets).toEqual(['on-disabled', 'on-kept']);

    const added = await provider();
    await gateway.db.modelTarget.create({
      data: { modelRouteId: model.routeId, providerId: added.id, upstreamModel: 'on-added', priority: 2 },
    });
    await gateway.db.provider.update({ where: { id: disabled.id }, data: { enabled: false } });
    const pools = gateway.app.get(UpstreamPools);
    expect(pools.has(added.id)).toBe(false);
    await gateway.publish({ kind: 'provider', providerId: disabled.id });

    expect(
      await eventually(
        async () =>
          isEqual(served(await catalog.current(), 'provider-chat', '').targets, ['on-kept', 'on-added']) &&
          pools.has(added.id),
        2_000,
      ),
    ).toBe(true);
  });

  it('reloads on a plan message, and not on a message about keys, subscriptions or tenants', async () => {
    const model = await modelProduct('plan-chat', '1', 'model', (await provider()).id);
    await catalog.refresh();
    const loaded = await catalog.current();
    await gateway.db.modelPrice.updateMany({ where: { modelRouteId: model.routeId }, data: { inputPer1M: '5' } });

    const tenantId = await gateway.tenant();
    await gateway.publish({ kind: 'tenant', tenantId });
    await gateway.publish({ kind: 'subscription', tenantId, subscriptionId: 'none' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await catalog.current()).toBe(loaded);

    await gateway.publish({ kind: 'plan', planId: 'any' });
    expect(await eventually(async () => served(await catalog.current(), 'plan-chat', '').price === '5', 2_000)).toBe(
      true,
    );
  });

  it('switches to a price version when it starts, without any message', async () => {
    const model = await modelProduct('scheduled-chat', '1', 'model', (await provider()).id);
    const startsAt = new Date(Date.now() + 500);
    // Written without the admin API (which starts a version at once), so nothing announces it.
    await gateway.db.modelPrice.create({
      data: { modelRouteId: model.routeId, inputPer1M: '7', outputPer1M: '1', effectiveFrom: startsAt },
    });
    await catalog.refresh();
    expect((await catalog.current()).nextPriceChangeAt).toEqual(startsAt);
    expect(served(await catalog.current(), 'scheduled-chat', '').price).toBe('1');

    expect(
      await eventually(async () => served(await catalog.current(), 'scheduled-chat', '').price === '7', 3_000),
    ).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt.getTime());
  });
});

function isEqual(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}
