import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { buttonClasses, PageHeader } from '@gatehouse/ui';
import { CallDetail } from '../../../../../../components/logs/call-detail';
import { callLogApi } from '../../../../../../lib/api/call-log';
import { getTenant } from '../../../../../../lib/session';

export const metadata: Metadata = { title: 'Call' };

/** The id as recorded; a segment that is not valid percent-encoding is taken as it is (it then matches nothing). */
function recordedId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export default async function CallPage({ params }: { params: Promise<{ tenantId: string; requestId: string }> }) {
  const { tenantId, requestId } = await params;
  const tenant = await getTenant(tenantId);
  const call = await callLogApi.tenantCall(tenant.id, recordedId(requestId));
  if (call === null) notFound();
  const logs = `/t/${encodeURIComponent(tenant.id)}/logs`;
  return (
    <div className="space-y-6 sm:space-y-8">
      <PageHeader
        title="Call"
        description="Everything the gateway recorded of this call, with its request and response bodies where a policy stores them."
        actions={
          <Link href={logs} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
            ← All calls
          </Link>
        }
      />
      <CallDetail call={call} />
    </div>
  );
}
