import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton, TableSkeleton } from '../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="tenants">
      <Skeleton className="mb-8 h-11 w-full max-w-sm" />
      <TableSkeleton rows={6} />
    </PageSkeleton>
  );
}
