import type { Metadata } from 'next';
import { PageHeader } from '@gatehouse/ui';
import { CallLogExplorer } from '../../../../../components/logs/call-log-explorer';
import { adminApi } from '../../../../../lib/api/server';
import { parseCallLogView } from '../../../../../lib/call-log-view';
import { getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'Logs' };

// admin-api's largest page of keys: the key filter offers the first 200, which covers the workspaces this page serves.
const KEY_PAGE = 200;

export default async function LogsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ tenantId }, query] = await Promise.all([params, searchParams]);
  const tenant = await getTenant(tenantId);
  const keys = await adminApi.keys(tenant.id, { limit: KEY_PAGE });
  return (
    <div className="space-y-6 sm:space-y-8">
      <PageHeader
        title="Logs"
        description="Every call your keys made through the gateway, one row each: when, which key and model, how it ended, its tokens, cost and the policy decisions on it. Times are in UTC."
      />
      <CallLogExplorer
        scope={{ kind: 'tenant', tenantId: tenant.id, keys: keys.items }}
        base={`/t/${encodeURIComponent(tenant.id)}/logs`}
        view={parseCallLogView(query)}
      />
    </div>
  );
}
