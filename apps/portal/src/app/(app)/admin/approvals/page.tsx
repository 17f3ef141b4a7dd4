import type { Metadata } from 'next';
import { ComingSoon } from '../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Approvals' };

export default function Page() {
  return (
    <ComingSoon title="Approvals" icon="approval" description="Access requests waiting for a decision, oldest first." />
  );
}
