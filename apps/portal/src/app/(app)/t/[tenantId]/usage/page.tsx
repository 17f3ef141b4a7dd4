import type { Metadata } from 'next';
import { ComingSoon } from '../../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Usage' };

export default function Page() {
  return (
    <ComingSoon
      title="Usage"
      icon="chart"
      description="Requests, tokens and cost over time, by model, key or product, with a CSV export."
    />
  );
}
