import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton, TableSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the product">
      <TableSkeleton rows={3} />
      <Skeleton className="mt-8 h-48 w-full rounded-2xl" />
    </PageSkeleton>
  );
}
