import type { Metadata } from 'next';
import { ComingSoon } from '../../../../../components/app/coming-soon';

export const metadata: Metadata = { title: 'Members' };

export default function Page() {
  return (
    <ComingSoon
      title="Members"
      icon="users"
      description="Who is in this workspace and what they may do; owners invite people here."
    />
  );
}
