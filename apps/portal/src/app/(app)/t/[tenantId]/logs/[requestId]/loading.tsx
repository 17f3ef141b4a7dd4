import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton } from '../../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the call">
      <div className="grid gap-6 lg:grid-cols-2">
        <Skeleton className="h-96 rounded-2xl" />
        <Skeleton className="h-96 rounded-2xl" />
      </div>
    </PageSkeleton>
  );
}
