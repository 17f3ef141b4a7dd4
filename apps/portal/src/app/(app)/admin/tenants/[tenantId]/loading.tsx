import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton, TableSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the tenant">
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="h-28 rounded-2xl" />
        ))}
      </div>
      <div className="mt-10">
        <TableSkeleton rows={3} />
      </div>
    </PageSkeleton>
  );
}
