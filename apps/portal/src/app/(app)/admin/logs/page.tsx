import type { Metadata } from 'next';
import { PageHeader } from '@gatehouse/ui';
import { CallLogExplorer } from '../../../../components/logs/call-log-explorer';
import { parseCallLogView } from '../../../../lib/call-log-view';

export const metadata: Metadata = { title: 'Call log' };

export default async function AdminLogsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return (
    <div className="space-y-6 sm:space-y-8">
      <PageHeader
        title="Call log"
        description="Every tenant's calls through the gateway, one row each, newest first. Filter by tenant, model, status, refusal code or policy decision; a request id opens the call in its tenant. Times are in UTC."
      />
      <CallLogExplorer scope={{ kind: 'platform' }} base="/admin/logs" view={parseCallLogView(await searchParams)} />
    </div>
  );
}
