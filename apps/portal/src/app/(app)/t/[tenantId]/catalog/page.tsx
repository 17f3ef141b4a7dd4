import type { Metadata } from 'next';
import { ComingSoon } from '../../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Catalog' };

export default function Page() {
  return (
    <ComingSoon
      title="Catalog"
      icon="grid"
      description="The models and APIs your team can request access to, with their prices and plans."
    />
  );
}
