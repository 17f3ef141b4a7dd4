import type { Metadata } from 'next';
import { KeysManager } from '../../../../../components/keys/keys-manager';
import { adminApi } from '../../../../../lib/api/server';
import { portalConfig } from '../../../../../lib/config';
import { canManageKeys } from '../../../../../lib/roles';
import { getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'API keys' };

const PAGE_SIZE = 50;
// admin-api's cursors are key ids; anything else in the address bar is ignored rather than sent on.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function KeysPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ tenantId }, query] = await Promise.all([params, searchParams]);
  const cursor = typeof query.cursor === 'string' && UUID.test(query.cursor) ? query.cursor : undefined;

  const [tenant, keys, subscriptions] = await Promise.all([
    getTenant(tenantId),
    adminApi.keys(tenantId, { cursor, limit: PAGE_SIZE }),
    adminApi.subscriptions(tenantId, { limit: 100 }),
  ]);

  // A key may be scoped to subscriptions that are live or still waiting for approval; the others would be refused.
  const scopeOptions = subscriptions.items
    .filter((subscription) => subscription.status === 'APPROVED' || subscription.status === 'PENDING')
    .map(({ id, productName, planName, status }) => ({ id, productName, planName, status }));

  return (
    <KeysManager
      tenantId={tenant.id}
      keys={keys.items}
      nextCursor={keys.nextCursor}
      isFirstPage={cursor === undefined}
      subscriptions={scopeOptions}
      subscriptionNames={Object.fromEntries(subscriptions.items.map((item) => [item.id, item.productName]))}
      canManage={canManageKeys(tenant.role)}
      timeZone={tenant.timeZone}
      gatewayUrl={portalConfig().gatewayPublicUrl}
      openCreate={query.create === '1'}
    />
  );
}
