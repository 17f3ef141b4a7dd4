import type { Metadata } from 'next';
import { ComingSoon } from '../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Tenants' };

export default function Page() {
  return (
    <ComingSoon
      title="Tenants"
      icon="server"
      description="Every workspace on the platform, its owners and its budget."
    />
  );
}
