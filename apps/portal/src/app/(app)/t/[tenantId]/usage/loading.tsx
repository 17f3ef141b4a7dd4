import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton, TableSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="usage">
      <Skeleton className="h-28 w-full rounded-2xl" />
      <div className="mt-6 grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="h-24 rounded-2xl" />
        ))}
      </div>
      <Skeleton className="mt-6 h-96 w-full rounded-2xl" />
      <div className="mt-6">
        <TableSkeleton rows={5} />
      </div>
    </PageSkeleton>
  );
}
