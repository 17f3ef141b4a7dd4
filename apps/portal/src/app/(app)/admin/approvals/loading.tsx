import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton } from '../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the approval queue">
      <div className="space-y-4">
        {Array.from({ length: 3 }, (_, index) => (
          <Skeleton key={index} className="h-64 rounded-2xl" />
        ))}
      </div>
    </PageSkeleton>
  );
}
