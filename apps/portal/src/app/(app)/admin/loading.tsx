import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton } from '../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the admin console">
      <div className="grid gap-3 sm:grid-cols-3 sm:gap-4">
        {Array.from({ length: 3 }, (_, index) => (
          <Skeleton key={index} className="h-32 rounded-2xl" />
        ))}
      </div>
      <Skeleton className="mt-10 h-48 rounded-2xl" />
    </PageSkeleton>
  );
}
