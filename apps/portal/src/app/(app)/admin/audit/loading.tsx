import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton, TableSkeleton } from '../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the audit log">
      <Skeleton className="mb-8 h-24 w-full rounded-2xl" />
      <TableSkeleton rows={8} />
    </PageSkeleton>
  );
}
