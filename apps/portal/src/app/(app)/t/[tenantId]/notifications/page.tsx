import type { Metadata } from 'next';
import { ComingSoon } from '../../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Notifications' };

export default function Page() {
  return (
    <ComingSoon
      title="Notifications"
      icon="bell"
      description="Approvals, rejections, expiries and budget alerts for this workspace."
    />
  );
}
