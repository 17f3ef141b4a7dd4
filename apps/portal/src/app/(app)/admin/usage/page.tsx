import type { Metadata } from 'next';
import { ComingSoon } from '../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Costs' };

export default function Page() {
  return (
    <ComingSoon
      title="Costs"
      icon="gauge"
      description="Spend across all tenants, top models, and the tenants close to their budget."
    />
  );
}
