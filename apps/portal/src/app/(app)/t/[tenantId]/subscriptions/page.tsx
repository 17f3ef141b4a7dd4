import type { Metadata } from 'next';
import { ComingSoon } from '../../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Subscriptions' };

export default function Page() {
  return (
    <ComingSoon
      title="Subscriptions"
      icon="approval"
      description="Your team's access to products: what is approved, what waits for an admin, and each plan's limits."
    />
  );
}
