import { Skeleton } from '@gatehouse/ui';
import { PageSkeleton } from '../../../../../components/app/page-skeleton';

export default function Loading() {
  return (
    <PageSkeleton label="the catalog">
      <div className="space-y-6">
        {Array.from({ length: 2 }, (_, index) => (
          <div key={index} className="rounded-2xl border border-slate-200 bg-white p-5 sm:p-6">
            <Skeleton className="h-6 w-48" />
            <Skeleton className="mt-2 h-4 w-full max-w-lg" />
            <Skeleton className="mt-6 h-24 w-full rounded-xl" />
            <div className="mt-6 grid gap-3 md:grid-cols-2">
              <Skeleton className="h-36 rounded-xl" />
              <Skeleton className="h-36 rounded-xl" />
            </div>
          </div>
        ))}
      </div>
    </PageSkeleton>
  );
}
