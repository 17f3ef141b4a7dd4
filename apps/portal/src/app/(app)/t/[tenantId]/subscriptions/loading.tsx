import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="subscriptions">
      <div className="space-y-4">
        {Array.from({ length: 3 }, (_, index) => (
          <div key={index} className="rounded-2xl border border-slate-200 bg-white p-5 sm:p-6">
            <div className="flex justify-between gap-4">
              <Skeleton className="h-5 w-40" />
              <Skeleton className="h-5 w-20 rounded-full" />
            </div>
            <Skeleton className="mt-2 h-4 w-28" />
            <div className="mt-6 grid gap-6 lg:grid-cols-5">
              <Skeleton className="h-20 lg:col-span-2" />
              <Skeleton className="h-20 lg:col-span-3" />
            </div>
          </div>
        ))}
      </div>
    </PageSkeleton>
  );
}
