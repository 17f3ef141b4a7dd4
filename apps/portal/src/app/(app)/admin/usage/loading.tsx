import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton } from '../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the cost dashboard">
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="h-28 rounded-2xl" />
        ))}
      </div>
      <Skeleton className="mt-10 h-96 rounded-2xl" />
      <div className="mt-10 grid gap-4 xl:grid-cols-2">
        <Skeleton className="h-72 rounded-2xl" />
        <Skeleton className="h-72 rounded-2xl" />
      </div>
    </PageSkeleton>
  );
}
