import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton, TableSkeleton } from '../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="logs">
      <Skeleton className="h-24 w-full rounded-2xl" />
      <Skeleton className="mt-4 h-48 w-full rounded-2xl" />
      <div className="mt-6">
        <TableSkeleton rows={8} />
      </div>
    </PageSkeleton>
  );
}
